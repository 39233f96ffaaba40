// qm snapshot / listsnapshot / rollback / delsnapshot through real qm
// processes on real qcow2 images.
#include <catch2/catch.hpp>

#include "tests/snapshots/snap_fixture.h"

using namespace qmd::testing;

namespace {

const std::string kVm100 =
    "boot: order=scsi0\n"
    "memory: 512\n"
    "name: snaptest\n"
    "scsi0: local:100/vm-100-disk-0.qcow2,size=1M\n";

void setup_vm100(SnapVm& v) {
  v.make_image(100, "vm-100-disk-0.qcow2");
  v.import_conf(100, kVm100);
}

}  // namespace

TEST_CASE("snapshot, overwrite, rollback: the disk and the config come back", "[snapshots][cli]") {
  SnapVm v;
  setup_vm100(v);
  const std::string disk = v.image(100, "vm-100-disk-0.qcow2");
  REQUIRE(qemu_io(disk, "write -P 0xab 0 64k").exit_code == 0);

  auto s = v.qm({"snapshot", "100", "s1", "--description", "before change"});
  CHECK(s.exit_code == 0);
  CHECK(s.out == "snapshotting 'drive-scsi0' (local:100/vm-100-disk-0.qcow2)\n");
  CHECK(s.err == "");
  const std::string after_snapshot =
      "boot: order=scsi0\nmemory: 512\nname: snaptest\nparent: s1\nscsi0: local:100/vm-100-disk-0.qcow2,size=1M\n"
      "\n[s1]\n#before change\nboot: order=scsi0\nmemory: 512\nname: snaptest\n"
      "scsi0: local:100/vm-100-disk-0.qcow2,size=1M\nsnaptime: T\n";
  CHECK(mask_snaptime(v.qm.conf(100)) == after_snapshot);
  CHECK(image_snapshots(disk) == std::vector<std::string>{"s1"});

  REQUIRE(qemu_io(disk, "write -P 0xcd 0 64k").exit_code == 0);
  REQUIRE(v.qm({"set", "100", "-memory", "1024", "-name", "changed"}).exit_code == 0);
  CHECK(has_pattern(disk, "0xcd"));
  CHECK_FALSE(has_pattern(disk, "0xab"));

  auto r = v.qm({"rollback", "100", "s1"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "");
  CHECK(r.err == "");
  CHECK(has_pattern(disk, "0xab"));
  CHECK(mask_snaptime(v.qm.conf(100)) == after_snapshot);

  // every step is an event of the operation; the lock came and went with them
  auto h = v.qm({"history", "100"});
  CHECK(h.out.find("snapshot started: +[snap:s1]; lock: snapshot; [snap:s1] boot: order=scsi0") != std::string::npos);
  CHECK(h.out.find("snapshot of scsi0 (local:100/vm-100-disk-0.qcow2) taken") != std::string::npos);
  CHECK(h.out.find("completed: -lock; parent: s1; -[snap:s1] snapstate") != std::string::npos);
  CHECK(h.out.find("rollback started: lock: rollback") != std::string::npos);
  CHECK(h.out.find("rolled back scsi0 (local:100/vm-100-disk-0.qcow2) to snapshot 's1'") != std::string::npos);
  CHECK(v.qm({"locks"}).out == "");
  CHECK(v.qm({"verify"}).exit_code == 0);
}

TEST_CASE("listsnapshot prints the tree in local time", "[snapshots][cli]") {
  SnapVm v;
  v.import_conf(100,
                "memory: 512\nparent: bb\n"
                "\n[aa]\n#first snapshot\n#more text\nmemory: 512\nsnaptime: 1234567890\n"
                "\n[bb]\nmemory: 512\nparent: aa\nsnaptime: 1234567990\n"
                "\n[cc]\n#third\nmemory: 512\nparent: aa\nsnaptime: 1234568100\n");
  auto r = v.qm_tz({"listsnapshot", "100"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "`-> aa                          2009-02-13 23:31:30     first snapshot\n"
        " `-> bb                         2009-02-13 23:33:10     no-description\n"
        "  `-> current                                           You are here!\n"
        " `-> cc                         2009-02-13 23:35:00     third\n");
  auto shifted = v.qm_tz({"listsnapshot", "100"}, "CET-1");
  CHECK(shifted.out.find("`-> aa                          2009-02-14 00:31:30     first snapshot\n") == 0);

  auto j = v.qm({"listsnapshot", "100", "--output-format", "json"});
  CHECK(j.out.find("{\"description\":\"first snapshot\\nmore text\",\"name\":\"aa\",\"snaptime\":1234567890,"
                   "\"vmstate\":0}") != std::string::npos);
  CHECK(j.out.find("\"name\":\"current\",\"parent\":\"bb\",\"running\":0}") != std::string::npos);

  auto none = v.qm({"listsnapshot", "999"});
  CHECK(none.exit_code == 255);
  CHECK(none.err == "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n");
}

TEST_CASE("every refusal has Proxmox's message and changes nothing", "[snapshots][cli]") {
  SnapVm v;
  setup_vm100(v);
  REQUIRE(v.qm({"snapshot", "100", "s1"}).exit_code == 0);
  // VM 101: raw disk; 102: template; 103: locked; 104: incomplete snapshot
  v.make_image(101, "vm-101-disk-0.raw");
  v.import_conf(101, "memory: 512\nscsi0: local:101/vm-101-disk-0.raw,size=1M\n");
  v.import_conf(102, "memory: 512\ntemplate: 1\n\n[st]\nmemory: 512\nsnaptime: 1\n");
  v.import_conf(103, "lock: backup\nmemory: 512\n\n[st]\nmemory: 512\nsnaptime: 1\n");
  v.import_conf(104, "memory: 512\n\n[st]\nmemory: 512\nsnapstate: prepare\nsnaptime: 1\n");

  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"snapshot", "100", "s1"}, "snapshot name 's1' already used"},
      {{"snapshot", "100", "current"}, "unable to use snapshot name 'current' (reserved name)"},
      {{"snapshot", "100", "Pending"}, "unable to use snapshot name 'pending' (reserved name)"},
      {{"snapshot", "100", "1abc"},
       "400 Parameter verification failed.\nsnapname: invalid format - invalid configuration ID '1abc'"},
      {{"snapshot", "100", "a"}, "400 Parameter verification failed.\nsnapname: invalid format - invalid configuration ID 'a'"},
      {{"snapshot", "100", std::string(41, 'x')},
       "400 Parameter verification failed.\nsnapname: value may only be 40 characters long"},
      {{"snapshot", "101", "s1"}, "snapshot feature is not available"},
      {{"snapshot", "102", "s1"}, "you can't take a snapshot if it's a template"},
      {{"snapshot", "103", "s1"}, "VM is locked (backup)"},
      {{"snapshot", "999", "s1"}, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist"},
      {{"rollback", "100", "nope"}, "snapshot 'nope' does not exist"},
      {{"rollback", "100", "s1", "--start"},
       "qmd is not running (no answer on " + v.qm.dir() + "/run/qmd.sock) - start it with 'systemctl start qmd' or "
       "'qmd --data-dir " + v.qm.dir() + "'"},
      {{"rollback", "102", "st"}, "you can't rollback if vm is a template"},
      {{"rollback", "103", "st"}, "VM is locked (backup)"},
      {{"rollback", "104", "st"}, "unable to rollback to incomplete snapshot (snapstate = prepare)"},
      {{"delsnapshot", "100", "nope"}, "snapshot 'nope' does not exist"},
      {{"delsnapshot", "102", "st"}, "you can't delete a snapshot if vm is a template"},
      {{"delsnapshot", "103", "st"}, "VM is locked (backup)"},
  };
  std::map<int, std::string> confs;
  for (int id : {100, 101, 102, 103, 104}) confs[id] = v.qm.conf(id);
  const int events = v.qm.event_count();
  const auto images = image_snapshots(v.image(100, "vm-100-disk-0.qcow2"));
  for (const auto& c : cases) {
    INFO(c.args[0] + " " + c.args[1] + " " + c.args[2]);
    auto r = v.qm(c.args);
    CHECK(r.exit_code == 255);
    CHECK(r.err == c.err + "\n");
    CHECK(r.out == "");
  }
  for (int id : {100, 101, 102, 103, 104}) CHECK(v.qm.conf(id) == confs[id]);
  CHECK(v.qm.event_count() == events);
  CHECK(image_snapshots(v.image(100, "vm-100-disk-0.qcow2")) == images);
}

TEST_CASE("delsnapshot re-links children to the deleted snapshot's parent", "[snapshots][cli]") {
  SnapVm v;
  setup_vm100(v);
  const std::string disk = v.image(100, "vm-100-disk-0.qcow2");
  for (const char* s : {"sa", "sb", "sc"}) REQUIRE(v.qm({"snapshot", "100", s}).exit_code == 0);
  CHECK(image_snapshots(disk) == std::vector<std::string>{"sa", "sb", "sc"});

  auto d = v.qm({"delsnapshot", "100", "sb"});
  CHECK(d.exit_code == 0);
  CHECK(d.out == "");
  CHECK(d.err == "");
  CHECK(image_snapshots(disk) == std::vector<std::string>{"sa", "sc"});
  const std::string section = "boot: order=scsi0\nmemory: 512\nname: snaptest\n";
  const std::string disk_line = "scsi0: local:100/vm-100-disk-0.qcow2,size=1M\n";
  CHECK(mask_snaptime(v.qm.conf(100)) ==
        section + "parent: sc\n" + disk_line +
        "\n[sa]\n" + section + disk_line + "snaptime: T\n" +
        "\n[sc]\n" + section + "parent: sa\n" + disk_line + "snaptime: T\n");

  // deleting the root: its child loses the parent; deleting the current parent: main loses it
  REQUIRE(v.qm({"delsnapshot", "100", "sa"}).exit_code == 0);
  REQUIRE(v.qm({"delsnapshot", "100", "sc"}).exit_code == 0);
  CHECK(v.qm.conf(100) == kVm100);
  CHECK(image_snapshots(disk).empty());
  auto h = v.qm({"history", "100"});
  CHECK(h.out.find("snapshot-delete started: lock: snapshot-delete; [snap:sb] snapstate: delete") != std::string::npos);
  CHECK(h.out.find("snapshot of scsi0 (local:100/vm-100-disk-0.qcow2) deleted: -[snap:sb] scsi0; [snap:sb] unused0: "
                   "local:100/vm-100-disk-0.qcow2") != std::string::npos);
  CHECK(v.qm({"verify"}).exit_code == 0);
}

TEST_CASE("rollback: new volumes become unused, pending is discarded, description kept", "[snapshots][cli]") {
  SnapVm v;
  v.make_image(100, "vm-100-disk-0.qcow2");
  v.make_image(100, "vm-100-disk-1.qcow2");
  REQUIRE(run({"/usr/bin/qemu-img", "snapshot", "-c", "s1", v.image(100, "vm-100-disk-0.qcow2")}).exit_code == 0);
  v.import_conf(100,
                "# current description\n"
                "memory: 1024\nparent: s1\n"
                "scsi0: local:100/vm-100-disk-0.qcow2,size=1M\nscsi1: local:100/vm-100-disk-1.qcow2,size=1M\n"
                "unused0: local:100/vm-100-disk-9.qcow2\n"
                "vmgenid: 11111111-2222-3333-4444-555555555555\n"
                "\n[PENDING]\nmemory: 2048\n"
                "\n[s1]\n#old\nmemory: 512\nscsi0: local:100/vm-100-disk-0.qcow2,size=1M\nsnaptime: 1234567890\n"
                "vmgenid: 11111111-2222-3333-4444-555555555555\n");
  auto r = v.qm({"rollback", "100", "s1"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  const std::string conf = v.qm.conf(100);
  const std::regex genid("\nvmgenid: ([0-9a-f-]{36})\n");
  std::smatch m;
  REQUIRE(std::regex_search(conf, m, genid));
  CHECK(m[1].str() != "11111111-2222-3333-4444-555555555555");
  CHECK(conf ==
        "# current description\n"
        "memory: 512\nparent: s1\nscsi0: local:100/vm-100-disk-0.qcow2,size=1M\n"
        "unused0: local:100/vm-100-disk-9.qcow2\nunused1: local:100/vm-100-disk-1.qcow2\n"
        "vmgenid: " + m[1].str() + "\n"
        "\n[s1]\n#old\nmemory: 512\nscsi0: local:100/vm-100-disk-0.qcow2,size=1M\nsnaptime: 1234567890\n"
        "vmgenid: 11111111-2222-3333-4444-555555555555\n");
}

TEST_CASE("a failing volume snapshot cleans up what was taken and changes nothing", "[snapshots][cli]") {
  SnapVm v;
  v.make_image(100, "vm-100-disk-0.qcow2");
  std::filesystem::create_directories(v.qm.dir() + "/images/100");
  write_file(v.image(100, "vm-100-disk-1.qcow2"), "not a qcow2 image\n");
  const std::string text =
      "memory: 512\nscsi0: local:100/vm-100-disk-0.qcow2,size=1M\nscsi1: local:100/vm-100-disk-1.qcow2,size=1M\n";
  v.import_conf(100, text);
  auto r = v.qm({"snapshot", "100", "s1"});
  CHECK(r.exit_code == 255);
  CHECK(r.out ==
        "snapshotting 'drive-scsi0' (local:100/vm-100-disk-0.qcow2)\n"
        "snapshotting 'drive-scsi1' (local:100/vm-100-disk-1.qcow2)\n");
  CHECK(r.err.starts_with("snapshot create failed: starting cleanup\n"));
  CHECK(r.err.find("qemu-img") != std::string::npos);
  CHECK(v.qm.conf(100) == text);
  CHECK(image_snapshots(v.image(100, "vm-100-disk-0.qcow2")).empty());
  auto h = v.qm({"history", "100"});
  CHECK(h.out.find("snapshot of scsi1 (local:100/vm-100-disk-1.qcow2) was never taken") != std::string::npos);
  CHECK(h.out.find("cleanup: snapshot 's1' removed: -lock; -[snap:s1]") != std::string::npos);
  CHECK(h.out.find("failed: ") != std::string::npos);
  CHECK(v.qm({"locks"}).out == "");
}

TEST_CASE("snapshot of a stopped VM ignores --vmstate, as in Proxmox", "[snapshots][cli]") {
  SnapVm v;
  setup_vm100(v);
  auto r = v.qm({"snapshot", "100", "s1", "--vmstate", "1"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  const std::string conf = v.qm.conf(100);
  CHECK(conf.find("vmstate") == std::string::npos);
  CHECK(conf.find("runningmachine") == std::string::npos);
  CHECK(image_snapshots(v.image(100, "vm-100-disk-0.qcow2")) == std::vector<std::string>{"s1"});
}
