// qm disk resize / qm resize through real qm processes.
#include "tests/clone/clone_fixture.h"

using namespace qmd::testing;

namespace {

uint64_t virtual_size(const std::string& path) {
  auto r = run({"/usr/bin/qemu-img", "info", "--output=json", path});
  REQUIRE(r.exit_code == 0);
  auto p = r.out.find("\"virtual-size\": ");
  REQUIRE(p != std::string::npos);
  return std::stoull(r.out.substr(p + 16));
}

}  // namespace

TEST_CASE("disk resize grows by +N or to N, records size=", "[resize][cli]") {
  Qm qm;
  qm_ok(qm, {"create", "100", "-scsi0", "local:1"});
  const std::string img = qm.dir() + "/images/100/vm-100-disk-0.qcow2";
  auto r = qm_ok(qm, {"disk", "resize", "100", "scsi0", "+1G"});
  CHECK(r.out.empty());
  CHECK(conf_value(qm.conf(100), "scsi0") == "local:100/vm-100-disk-0.qcow2,size=2G");
  CHECK(virtual_size(img) == (uint64_t{2} << 30));
  qm_ok(qm, {"resize", "100", "scsi0", "2560M"});
  CHECK(conf_value(qm.conf(100), "scsi0") == "local:100/vm-100-disk-0.qcow2,size=2560M");
  CHECK(virtual_size(img) == (uint64_t{2560} << 20));
  qm_ok(qm, {"disk", "resize", "100", "scsi0", "+0.5G"});
  CHECK(conf_value(qm.conf(100), "scsi0") == "local:100/vm-100-disk-0.qcow2,size=3G");
  // The same size again changes nothing.
  const int events = qm.event_count();
  qm_ok(qm, {"disk", "resize", "100", "scsi0", "3G"});
  qm_ok(qm, {"disk", "resize", "100", "scsi0", "+0"});
  CHECK(qm.event_count() == events);
  auto h = qm({"history", "100"});
  CHECK(h.out.find("vm.config.updated") != std::string::npos);
  CHECK(qm({"verify"}).exit_code == 0);
}

TEST_CASE("disk resize of a raw disk", "[resize][cli]") {
  Qm qm;
  qm_ok(qm, {"create", "100", "-virtio0", "local:1,format=raw"});
  qm_ok(qm, {"disk", "resize", "100", "virtio0", "+1024K"});
  CHECK(conf_value(qm.conf(100), "virtio0") == "local:100/vm-100-disk-0.raw,size=1025M");
  CHECK(virtual_size(qm.dir() + "/images/100/vm-100-disk-0.raw") == (uint64_t{1025} << 20));
}

TEST_CASE("disk resize refusals: exact messages, nothing changed", "[resize][cli][errors]") {
  Qm qm;
  write_file(qm.dir() + "/template/iso/debian.iso", "iso");
  qm_ok(qm, {"create", "100", "-scsi0", "local:1", "-cdrom", "debian.iso"});
  qm_ok(qm, {"create", "101", "-scsi0", "local:1"});
  qm_ok(qm, {"template", "101"});
  const std::string dir = qm.dir() + "/images/300";
  std::filesystem::create_directories(dir);
  REQUIRE(run({"/usr/bin/qemu-img", "create", "-q", "-f", "qcow2", dir + "/vm-300-disk-0.qcow2", "1M"}).exit_code == 0);
  import_conf(qm, 300, "lock: backup\nscsi0: local:300/vm-300-disk-0.qcow2,size=1M\n");
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"disk", "resize", "100", "scsi0", "512M"}, "shrinking disks is not supported\n"},
      {{"disk", "resize", "100", "scsi0", "-1G"},
       "400 Parameter verification failed.\nsize: value does not match the regex pattern\n"},
      {{"disk", "resize", "100", "scsi0", "1GB"},
       "400 Parameter verification failed.\nsize: value does not match the regex pattern\n"},
      {{"disk", "resize", "100", "scsi1", "+1G"}, "disk 'scsi1' does not exist\n"},
      {{"disk", "resize", "100", "ide2", "+1G"}, "you can't resize a cdrom\n"},
      {{"disk", "resize", "101", "scsi0", "+1G"}, "can't resize this image format\n"},
      {{"disk", "resize", "300", "scsi0", "+1G"}, "VM is locked (backup)\n"},
      {{"disk", "resize", "100", "scsi0", "+1G", "--digest", "0000"},
       "checksum mismatch (file change by other user?)\n"},
      {{"disk", "resize", "999", "scsi0", "+1G"},
       "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n"},
  };
  const int events = qm.event_count();
  for (const auto& c : cases) {
    auto r = qm(c.args);
    INFO(c.args[2] + " " + c.args[3] + " " + c.args[4]);
    CHECK(r.exit_code == 255);
    CHECK(r.err == c.err);
  }
  auto unused = qm({"disk", "resize", "100", "unused0", "+1G"});
  CHECK(unused.err.starts_with("400 Parameter verification failed.\ndisk: value 'unused0' does not have a value in "
                               "the enumeration 'ide0, "));
  CHECK(qm.event_count() == events);
  CHECK(conf_value(qm.conf(100), "scsi0") == "local:100/vm-100-disk-0.qcow2,size=1G");
  CHECK(qm({"disk", "resize", "100", "scsi0"}).err.starts_with("400 not enough arguments\n"));
  CHECK(qm({"disk", "frobnicate", "100"}).err.starts_with("unknown command 'qm disk'\n"));

  // --skiplock passes the lock.
  qm_ok(qm, {"disk", "resize", "300", "scsi0", "+1M", "--skiplock"});
  CHECK(conf_value(qm.conf(300), "scsi0") == "local:300/vm-300-disk-0.qcow2,size=2M");
}
