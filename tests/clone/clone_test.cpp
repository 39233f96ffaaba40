// qm clone through real qm processes and real images.
#include <regex>

#include "tests/clone/clone_fixture.h"

using namespace qmd::testing;

namespace {

const std::regex kMac("^virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0$");
const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

// Replaces generated MACs and UUIDs so a whole file can be compared.
std::string mask_ids(const std::string& s) {
  std::string out = std::regex_replace(s, std::regex("BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}"), "MAC");
  return std::regex_replace(out, kUuid, "UUID");
}

// VM 100: a template whose base image holds 0xab over its first 64 KiB.
void make_template(const Qm& qm) {
  qm_ok(qm, {"create", "100", "-name", "tmpl", "-scsi0", "local:1", "-net0", "virtio,bridge=vmbr0"});
  write_pattern("qcow2", qm.dir() + "/images/100/vm-100-disk-0.qcow2", "0xab");
  qm_ok(qm, {"template", "100"});
}

}  // namespace

TEST_CASE("linked clone of a template sees the base data, its writes stay its own", "[clone][cli]") {
  Qm qm;
  make_template(qm);
  const std::string base = qm.dir() + "/images/100/base-100-disk-0.qcow2";
  REQUIRE(file_exists(base));

  auto r = qm_ok(qm, {"clone", "100", "101"});
  CHECK(r.out == "create linked clone of drive scsi0 (local:100/base-100-disk-0.qcow2)\n");
  CHECK(r.err.empty());
  const std::string c = qm.conf(101);
  CHECK(conf_value(c, "scsi0") == "local:100/base-100-disk-0.qcow2/101/vm-101-disk-0.qcow2,size=1G");
  CHECK(conf_value(c, "name") == "Copy-of-VM-tmpl");
  CHECK(conf_value(c, "template").empty());
  CHECK(conf_value(c, "lock").empty());

  const std::string clone = qm.dir() + "/images/101/vm-101-disk-0.qcow2";
  CHECK(reads_pattern("qcow2", clone, "0xab"));
  write_pattern("qcow2", clone, "0xcd");
  CHECK(reads_pattern("qcow2", clone, "0xcd"));
  CHECK(reads_pattern("qcow2", base, "0xab"));
  CHECK_FALSE(reads_pattern("qcow2", base, "0xcd"));

  auto h = qm({"history", "101"});
  CHECK(h.out.find("vm.operation.started") != std::string::npos);
  CHECK(h.out.find("linked clone of scsi0: local:100/base-100-disk-0.qcow2/101/vm-101-disk-0.qcow2") !=
        std::string::npos);
  CHECK(h.out.find("vm.operation.completed") != std::string::npos);
  CHECK(qm({"verify"}).exit_code == 0);
}

TEST_CASE("clone regenerates MACs, smbios1 uuid and vmgenid, keeps the rest", "[clone][cli]") {
  Qm qm;
  make_template(qm);
  qm_ok(qm, {"clone", "100", "101", "--name", "web2", "--description", "second copy"});
  const std::string a = qm.conf(100), b = qm.conf(101);
  for (const char* key : {"net0", "smbios1", "vmgenid"}) {
    INFO(key);
    CHECK_FALSE(conf_value(b, key).empty());
    CHECK(conf_value(a, key) != conf_value(b, key));
  }
  CHECK(std::regex_match(conf_value(b, "net0"), kMac));
  CHECK(std::regex_match(conf_value(b, "smbios1"), std::regex("uuid=[0-9a-f-]{36}")));
  CHECK(conf_value(b, "name") == "web2");
  CHECK(b.starts_with("#second copy\n"));
  // Everything else is the source's.
  for (const char* key : {"boot", "meta"}) {
    INFO(key);
    CHECK(conf_value(a, key) == conf_value(b, key));
  }
}

TEST_CASE("full clone copies the bytes, optionally to another format", "[clone][cli]") {
  Qm qm;
  qm_ok(qm, {"create", "200", "-scsi0", "local:1", "-scsi1", "local:1,format=raw"});
  const std::string s0 = qm.dir() + "/images/200/vm-200-disk-0.qcow2";
  const std::string s1 = qm.dir() + "/images/200/vm-200-disk-1.raw";
  write_pattern("qcow2", s0, "0x11", "1M", "1M");
  write_pattern("raw", s1, "0x22", "0", "128k");

  auto r = qm_ok(qm, {"clone", "200", "201"});
  CHECK(r.out ==
        "create full clone of drive scsi0 (local:200/vm-200-disk-0.qcow2)\n"
        "create full clone of drive scsi1 (local:200/vm-200-disk-1.raw)\n");
  CHECK(r.err.empty());  // not a terminal: no progress lines
  const std::string c = qm.conf(201);
  CHECK(conf_value(c, "scsi0") == "local:201/vm-201-disk-0.qcow2,size=1G");
  CHECK(conf_value(c, "scsi1") == "local:201/vm-201-disk-1.raw,size=1G");
  const std::string d0 = qm.dir() + "/images/201/vm-201-disk-0.qcow2";
  const std::string d1 = qm.dir() + "/images/201/vm-201-disk-1.raw";
  CHECK(run({"/usr/bin/qemu-img", "compare", "-f", "qcow2", "-F", "qcow2", s0, d0}).exit_code == 0);
  CHECK(run({"/usr/bin/qemu-img", "compare", "-f", "raw", "-F", "raw", s1, d1}).exit_code == 0);
  write_pattern("qcow2", d0, "0x33", "1M", "1M");
  CHECK(reads_pattern("qcow2", s0, "0x11", "1M", "1M"));

  auto raw = qm_ok(qm, {"clone", "200", "202", "--format", "raw", "--storage", "local"});
  CHECK(conf_value(qm.conf(202), "scsi0") == "local:202/vm-202-disk-0.raw,size=1G");
  CHECK(reads_pattern("raw", qm.dir() + "/images/202/vm-202-disk-0.raw", "0x11", "1M", "1M"));

  // A full clone of a template copies its base image.
  qm_ok(qm, {"template", "200"});
  qm_ok(qm, {"clone", "200", "203", "--full"});
  CHECK(conf_value(qm.conf(203), "scsi0") == "local:203/vm-203-disk-0.qcow2,size=1G");
  CHECK(reads_pattern("qcow2", qm.dir() + "/images/203/vm-203-disk-0.qcow2", "0x11", "1M", "1M"));
}

TEST_CASE("clone leaves out snapshots, unused disks and pending changes (with a warning)", "[clone][cli]") {
  Qm qm;
  const std::string dir = qm.dir() + "/images/300";
  std::filesystem::create_directories(dir);
  REQUIRE(run({"/usr/bin/qemu-img", "create", "-q", "-f", "qcow2", dir + "/vm-300-disk-0.qcow2", "1M"}).exit_code == 0);
  REQUIRE(run({"/usr/bin/qemu-img", "create", "-q", "-f", "qcow2", dir + "/vm-300-disk-1.qcow2", "1M"}).exit_code == 0);
  write_pattern("qcow2", dir + "/vm-300-disk-0.qcow2", "0x44", "0", "4k");
  REQUIRE(run({"/usr/bin/qemu-img", "snapshot", "-c", "snap1", dir + "/vm-300-disk-0.qcow2"}).exit_code == 0);
  write_pattern("qcow2", dir + "/vm-300-disk-0.qcow2", "0x55", "0", "4k");
  import_conf(qm, 300,
              "boot: order=scsi0\n"
              "memory: 1024\n"
              "name: src\n"
              "net0: virtio=BC:24:11:11:11:11,bridge=vmbr0\n"
              "parent: snap1\n"
              "scsi0: local:300/vm-300-disk-0.qcow2,size=1M\n"
              "smbios1: base64=1,manufacturer=QUNNRQ==,uuid=8b3bf833-aad8-4545-9a0c-3e4f5a6b7c8d\n"
              "unused0: local:300/vm-300-disk-1.qcow2\n"
              "vmgenid: 6dfe8b25-e2f8-4964-9fb0-d8d3371b3a13\n"
              "\n"
              "[PENDING]\n"
              "memory: 2048\n"
              "\n"
              "[snap1]\n"
              "memory: 512\n"
              "scsi0: local:300/vm-300-disk-0.qcow2,size=1M\n"
              "snaptime: 1700000000\n");

  auto r = qm_ok(qm, {"clone", "300", "301"});
  CHECK(r.err == "found pending changes for 'memory', discarding for clone\n");
  CHECK(mask_ids(qm.conf(301)) ==
        "boot: order=scsi0\n"
        "memory: 1024\n"
        "name: Copy-of-VM-src\n"
        "net0: virtio=MAC,bridge=vmbr0\n"
        "scsi0: local:301/vm-301-disk-0.qcow2,size=1M\n"
        "smbios1: base64=1,manufacturer=QUNNRQ==,uuid=UUID\n"
        "vmgenid: UUID\n");
  CHECK(images_of(qm, 301) == std::vector<std::string>{"vm-301-disk-0.qcow2"});
  CHECK(reads_pattern("qcow2", qm.dir() + "/images/301/vm-301-disk-0.qcow2", "0x55", "0", "4k"));

  // From the snapshot: its config (no name there, so the vmid names the copy) and its data.
  auto s = qm_ok(qm, {"clone", "300", "302", "--snapname", "snap1"});
  CHECK(s.err.empty());
  CHECK(mask_ids(qm.conf(302)) ==
        "memory: 512\n"
        "name: Copy-of-VM-300\n"
        "scsi0: local:302/vm-302-disk-0.qcow2,size=1M\n"
        "smbios1: uuid=UUID\n");
  CHECK(reads_pattern("qcow2", qm.dir() + "/images/302/vm-302-disk-0.qcow2", "0x44", "0", "4k"));
}

TEST_CASE("clone refusals: exact messages, nothing written", "[clone][cli][errors]") {
  Qm qm;
  make_template(qm);
  qm_ok(qm, {"create", "200", "-scsi0", "local:1"});
  import_conf(qm, 400, "lock: backup\nmemory: 512\n");
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"clone", "400", "401"}, "VM is locked (backup)\n"},
      {{"clone", "200", "201", "--snapname", "nope"}, "snapshot 'nope' does not exist\n"},
      {{"clone", "100", "101", "--storage", "local"}, "parameter 'storage' not allowed for linked clones\n"},
      {{"clone", "100", "101", "--format", "raw"}, "parameter 'format' not allowed for linked clones\n"},
      {{"clone", "200", "201", "--full", "0"},
       "Linked clone feature is not supported for 'local:200/vm-200-disk-0.qcow2' (scsi0)\n"},
      {{"clone", "200", "100"}, "unable to create VM 100: config file already exists\n"},
      {{"clone", "200", "200"}, "unable to create VM 200: config file already exists\n"},
      {{"clone", "200", "201", "--target", "pve2"}, "can't clone VM to node 'pve2' (VM uses local storage)\n"},
      {{"clone", "200", "201", "--storage", "nope"}, "storage 'nope' does not exist\n"},
      {{"clone", "200", "201", "--storage", "local", "--target", "pve2"},
       "can't clone to non-shared storage 'local'\n"},
      {{"clone", "200", "201", "--format", "qed"},
       "400 Parameter verification failed.\nformat: value 'qed' does not have a value in the enumeration "
       "'raw, qcow2, vmdk'\n"},
      {{"clone", "999", "201"}, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n"},
      {{"clone", "200", "99"}, "400 Parameter verification failed.\nnewid: value must have a minimum value of 100\n"},
      {{"clone", "200", "201", "--full", "maybe"},
       "400 Parameter verification failed.\nfull: type check ('boolean') failed - got 'maybe'\n"},
  };
  const int events = qm.event_count();
  const std::string conf100 = qm.conf(100), conf200 = qm.conf(200);
  for (const auto& c : cases) {
    auto r = qm(c.args);
    INFO(c.args[1] + " " + c.args[2] + (c.args.size() > 3 ? " " + c.args[3] : ""));
    CHECK(r.exit_code == 255);
    CHECK(r.err == c.err);
    CHECK(r.out.empty());
  }
  CHECK(qm.event_count() == events);
  CHECK(qm.conf(100) == conf100);
  CHECK(qm.conf(200) == conf200);
  CHECK_FALSE(file_exists(qm.conf_path(101)));
  CHECK_FALSE(file_exists(qm.conf_path(201)));
  CHECK_FALSE(dir_exists(qm.dir() + "/images/101"));
  CHECK_FALSE(dir_exists(qm.dir() + "/images/201"));
}

TEST_CASE("a clone that fails frees what it made and removes the new VM", "[clone][cli][errors]") {
  Qm qm;
  const std::string dir = qm.dir() + "/images/500";
  std::filesystem::create_directories(dir);
  REQUIRE(run({"/usr/bin/qemu-img", "create", "-q", "-f", "qcow2", dir + "/vm-500-disk-0.qcow2", "1M"}).exit_code == 0);
  // scsi1's image is missing: the second copy fails after the first succeeded.
  import_conf(qm, 500,
              "memory: 512\n"
              "scsi0: local:500/vm-500-disk-0.qcow2,size=1M\n"
              "scsi1: local:500/vm-500-disk-1.qcow2,size=1M\n");
  auto r = qm({"clone", "500", "501"});
  CHECK(r.exit_code == 255);
  CHECK(r.err == "clone failed: volume 'local:500/vm-500-disk-1.qcow2' does not exist\n");
  CHECK_FALSE(file_exists(qm.conf_path(501)));
  CHECK_FALSE(dir_exists(qm.dir() + "/images/501"));
  CHECK(qm({"config", "501"}).err == "Configuration file 'nodes/pve1/qemu-server/501.conf' does not exist\n");
  auto h = qm({"history", "501"});
  CHECK(h.out.find("vm.operation.failed") != std::string::npos);
  CHECK(h.out.find("vm.destroyed") != std::string::npos);
  // The id is free again.
  qm_ok(qm, {"create", "501"});
  CHECK(qm({"verify"}).exit_code == 0);
}

TEST_CASE("clone --target moves the clone to the node when every disk is on shared storage", "[clone][cli]") {
  Qm qm;
  write_file(qm.dir() + "/storage.cfg", "dir: shared\n\tpath " + qm.dir() + "/shared\n\tcontent images\n\tshared 1\n");
  qm_ok(qm, {"create", "600", "-scsi0", "shared:1"});
  auto r = qm_ok(qm, {"clone", "600", "601", "--target", "pve2"});
  CHECK(r.out == "create full clone of drive scsi0 (shared:600/vm-600-disk-0.qcow2)\n");
  const std::string moved = qm.dir() + "/nodes/pve2/qemu-server/601.conf";
  CHECK(file_exists(moved));
  CHECK_FALSE(file_exists(qm.conf_path(601)));
  CHECK(conf_value(read_file(moved), "scsi0") == "shared:601/vm-601-disk-0.qcow2,size=1G");
  // --target naming this node is no move at all.
  qm_ok(qm, {"clone", "600", "602", "--target", "pve1"});
  CHECK(file_exists(qm.conf_path(602)));
}

TEST_CASE("full clone shows Proxmox's progress lines on a terminal", "[clone][cli]") {
  Qm qm;
  qm_ok(qm, {"create", "200", "-scsi0", "local:1"});
  write_pattern("qcow2", qm.dir() + "/images/200/vm-200-disk-0.qcow2", "0x11", "0", "32M");
  // script(1) gives qm a pseudo-terminal; what qm writes comes back on its stdout.
  auto r = run_on_terminal(binary("qm") + " clone 200 201", qm.env());
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(std::regex_search(r.out, std::regex("(^|\n)transferred 0\\.0 B of 1\\.0 GiB \\(0\\.00%\\)\r?\n")));
  CHECK(r.out.find("transferred 1.0 GiB of 1.0 GiB (100.00%)") != std::string::npos);
  CHECK(r.out.find("create full clone of drive scsi0 (local:200/vm-200-disk-0.qcow2)") != std::string::npos);
  CHECK(conf_value(qm.conf(201), "scsi0") == "local:201/vm-201-disk-0.qcow2,size=1G");
}
