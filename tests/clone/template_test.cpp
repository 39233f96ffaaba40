// qm template through real qm processes.
#include <sys/stat.h>

#include "tests/clone/clone_fixture.h"

using namespace qmd::testing;

TEST_CASE("template sets template: 1 and turns every non-CD disk into a base image", "[template][cli]") {
  Qm qm;
  write_file(qm.dir() + "/template/iso/debian.iso", "iso");
  qm_ok(qm, {"create", "100", "-scsi0", "local:1", "-virtio1", "local:1,format=raw", "-cdrom", "debian.iso"});
  auto r = qm_ok(qm, {"template", "100"});
  CHECK(r.out.empty());
  CHECK(r.err.empty());
  const std::string c = qm.conf(100);
  CHECK(conf_value(c, "template") == "1");
  CHECK(conf_value(c, "scsi0") == "local:100/base-100-disk-0.qcow2,size=1G");
  CHECK(conf_value(c, "virtio1") == "local:100/base-100-disk-1.raw,size=1G");
  CHECK(conf_value(c, "ide2") == "local:iso/debian.iso,media=cdrom");
  CHECK(images_of(qm, 100) == std::vector<std::string>{"base-100-disk-0.qcow2", "base-100-disk-1.raw"});
  struct stat st {};
  REQUIRE(::stat((qm.dir() + "/images/100/base-100-disk-0.qcow2").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0444);
  auto h = qm({"history", "100"});
  CHECK(h.out.find("scsi0 is now base image local:100/base-100-disk-0.qcow2") != std::string::npos);
  CHECK(h.out.find("virtio1 is now base image local:100/base-100-disk-1.raw") != std::string::npos);
  CHECK(qm({"verify"}).exit_code == 0);
}

TEST_CASE("template --disk converts that disk only, also on a template", "[template][cli]") {
  Qm qm;
  qm_ok(qm, {"create", "100", "-scsi0", "local:1", "-scsi1", "local:1"});
  qm_ok(qm, {"template", "100", "--disk", "scsi1"});
  std::string c = qm.conf(100);
  CHECK(conf_value(c, "template") == "1");
  CHECK(conf_value(c, "scsi0") == "local:100/vm-100-disk-0.qcow2,size=1G");
  CHECK(conf_value(c, "scsi1") == "local:100/base-100-disk-1.qcow2,size=1G");
  CHECK(qm({"template", "100"}).err == "you can't convert a template to a template\n");
  qm_ok(qm, {"template", "100", "--disk", "scsi0"});
  CHECK(conf_value(qm.conf(100), "scsi0") == "local:100/base-100-disk-0.qcow2,size=1G");
  // A disk already a base image, or a key without a disk, is left alone.
  const int events = qm.event_count();
  qm_ok(qm, {"template", "100", "--disk", "scsi0"});
  qm_ok(qm, {"template", "100", "--disk", "virtio3"});
  CHECK(qm.event_count() == events + 4);  // two empty operations: started + completed each
}

TEST_CASE("template refusals: exact messages, nothing changed", "[template][cli][errors]") {
  Qm qm;
  const std::string dir = qm.dir() + "/images/300";
  std::filesystem::create_directories(dir);
  REQUIRE(run({"/usr/bin/qemu-img", "create", "-q", "-f", "qcow2", dir + "/vm-300-disk-0.qcow2", "1M"}).exit_code == 0);
  import_conf(qm, 300,
              "parent: s1\nscsi0: local:300/vm-300-disk-0.qcow2,size=1M\n\n[s1]\nscsi0: local:300/vm-300-disk-0.qcow2,size=1M\nsnaptime: 1700000000\n");
  import_conf(qm, 301, "lock: backup\nmemory: 512\n");
  qm_ok(qm, {"create", "302"});
  qm_ok(qm, {"template", "302"});
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"template", "300"}, "unable to create template, because VM contains snapshots\n"},
      {{"template", "301"}, "VM is locked (backup)\n"},
      {{"template", "302"}, "you can't convert a template to a template\n"},
      {{"template", "303"}, "Configuration file 'nodes/pve1/qemu-server/303.conf' does not exist\n"},
  };
  const int events = qm.event_count();
  for (const auto& c : cases) {
    auto r = qm(c.args);
    INFO(c.args[1]);
    CHECK(r.exit_code == 255);
    CHECK(r.err == c.err);
  }
  auto bad = qm({"template", "302", "--disk", "net0"});
  CHECK(bad.err.starts_with("400 Parameter verification failed.\ndisk: value 'net0' does not have a value in the "
                            "enumeration 'ide0, ide1, "));
  CHECK(qm.event_count() == events);
  CHECK(images_of(qm, 300) == std::vector<std::string>{"vm-300-disk-0.qcow2"});
}
