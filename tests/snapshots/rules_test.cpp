// The pure snapshot rules (service/snapshots/rules.h): exact configs and
// exact Proxmox messages.
#include <catch2/catch.hpp>

#include "config/reader.h"
#include "config/writer.h"
#include "tests/snapshots/conf_text.h"
#include "service/snapshots/rules.h"
#include "service/snapshots/snapshot_error.h"

using namespace qmd;
using namespace qmd::service::snapshots;

namespace {

std::string write(const config::ConfigFile& c) { return config::write_config(c); }

const std::string kBase =
    "# vm description\n"
    "cores: 2\n"
    "memory: 2048\n"
    "scsi0: local:100/vm-100-disk-0.qcow2,size=1G\n"
    "unused0: local:100/vm-100-disk-1.qcow2\n"
    "\n[PENDING]\n"
    "cores: 4\n";

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const SnapshotError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("prepare copies main minus the excluded keys and locks", "[snapshots][rules]") {
  PrepareInput in{"s1", 1700000000, "first\nsecond line", true, std::nullopt};
  Prepared p = prepare(testing::parse_conf("parent: old\n" + kBase), in);
  CHECK(p.warnings.empty());
  CHECK(write(p.conf) ==
        "# vm description\n"
        "cores: 2\n"
        "lock: snapshot\n"
        "memory: 2048\n"
        "parent: old\n"
        "scsi0: local:100/vm-100-disk-0.qcow2,size=1G\n"
        "unused0: local:100/vm-100-disk-1.qcow2\n"
        "\n[PENDING]\n"
        "cores: 4\n"
        "\n[s1]\n"
        "#first\n"
        "#second line\n"
        "cores: 2\n"
        "memory: 2048\n"
        "parent: old\n"
        "scsi0: local:100/vm-100-disk-0.qcow2,size=1G\n"
        "snapstate: prepare\n"
        "snaptime: 1700000000\n");
}

TEST_CASE("prepare records the saved RAM state and drops a bogus parent cycle", "[snapshots][rules]") {
  const std::string text = "memory: 512\nparent: sa\n\n[sa]\nmemory: 512\nparent: s2\nsnaptime: 5\n";
  PrepareInput in{"s2", 7, "0", true, VmStateInfo{"local:100/vm-100-state-s2.raw", "pc-i440fx-7.2", "qemu64", "net0=1500"}};
  Prepared p = prepare(testing::parse_conf(text), in);
  REQUIRE(p.warnings == std::vector<std::string>{"deleting parent 's2' reference from 'sa' to avoid bogus snapshot cycle."});
  CHECK(write(p.conf) ==
        "lock: snapshot\nmemory: 512\nparent: sa\n"
        "\n[s2]\nmemory: 512\nparent: sa\nrunning-nets-host-mtu: net0=1500\nrunningcpu: qemu64\n"
        "runningmachine: pc-i440fx-7.2\nsnapstate: prepare\nsnaptime: 7\nvmstate: local:100/vm-100-state-s2.raw\n"
        "\n[sa]\nmemory: 512\nsnaptime: 5\n");
}

TEST_CASE("prepare refusals come in Proxmox's order", "[snapshots][rules]") {
  auto conf = testing::parse_conf("memory: 512\ntemplate: 1\nlock: backup\n\n[sn]\nsnaptime: 1\n");
  CHECK(error_of([&] { check_prepare(conf, "sn", false); }) == "you can't take a snapshot if it's a template");
  conf.main.erase("template");
  CHECK(error_of([&] { check_prepare(conf, "sn", false); }) == "VM is locked (backup)");
  conf.main.erase("lock");
  CHECK(error_of([&] { check_prepare(conf, "sn", false); }) == "snapshot name 'sn' already used");
  CHECK(error_of([&] { check_prepare(conf, "st", false); }) == "snapshot feature is not available");
  CHECK(error_of([&] { check_prepare(conf, "st", true); }) == "<no error>");
  CHECK(error_of([] { check_reserved_name("current"); }) == "unable to use snapshot name 'current' (reserved name)");
  CHECK(error_of([] { check_reserved_name("PenDing"); }) == "unable to use snapshot name 'pending' (reserved name)");
}

TEST_CASE("commit checks lock, section and state, then sets parent", "[snapshots][rules]") {
  const std::string prepared = "lock: snapshot\nmemory: 512\n\n[sn]\nmemory: 512\nsnapstate: prepare\nsnaptime: 1\n";
  CHECK(write(commit(testing::parse_conf(prepared), "sn")) == "memory: 512\nparent: sn\n\n[sn]\nmemory: 512\nsnaptime: 1\n");
  CHECK(error_of([&] { commit(testing::parse_conf("memory: 512\n\n[sn]\nsnapstate: prepare\n"), "sn"); }) == "missing snapshot lock");
  CHECK(error_of([&] { commit(testing::parse_conf(prepared), "xx"); }) == "snapshot 'xx' does not exist");
  CHECK(error_of([&] { commit(testing::parse_conf("lock: snapshot\n\n[sn]\nsnapstate: delete\n"), "sn"); }) == "wrong snapshot state");
}

TEST_CASE("delete steps: mark, remove drives one by one, re-link parents", "[snapshots][rules]") {
  const std::string text =
      "memory: 512\nparent: sc\nscsi0: local:100/vm-100-disk-0.qcow2\n"
      "\n[sa]\nscsi0: local:100/vm-100-disk-0.qcow2\nsnaptime: 1\n"
      "\n[sb]\nparent: sa\nscsi0: local:100/vm-100-disk-0.qcow2\nscsi1: local:100/vm-100-disk-1.qcow2\n"
      "snaptime: 2\nvmstate: local:100/vm-100-state-sb.raw\n"
      "\n[sc]\nparent: sb\nsnaptime: 3\n";
  auto conf = testing::parse_conf(text);
  CHECK(error_of([&] { check_delete(conf, "zz"); }) == "snapshot 'zz' does not exist");
  CHECK(error_of([&] { delete_mark(conf, "sb", "snapshot-delete"); }) ==
        "encountered invalid lock, expected 'snapshot-delete'");
  auto locked = delete_lock(conf);
  CHECK(error_of([&] { delete_lock(locked); }) == "VM is locked (snapshot-delete)");
  auto marked = delete_mark(locked, "sb", "snapshot-delete");
  CHECK(marked.snapshots.at("sb").at("snapstate") == "delete");
  auto no_state = delete_remove_key(marked, "sb", "vmstate", "snapshot-delete");
  CHECK(no_state.snapshots.at("sb").count("vmstate") == 0);
  auto partial = delete_remove_key(no_state, "sb", "scsi0", "snapshot-delete");
  // an interrupted delete leaves this: the drive gone from the section, its volume unused there
  CHECK(write(partial).find("\n[sb]\nparent: sa\nscsi1: local:100/vm-100-disk-1.qcow2\nsnapstate: delete\nsnaptime: 2\n"
                            "unused0: local:100/vm-100-disk-0.qcow2\n") != std::string::npos);
  auto removed = delete_remove_key(partial, "sb", "scsi1", "snapshot-delete");
  auto done = delete_finish(removed, "sb", "snapshot-delete",
                            {"local:100/vm-100-disk-0.qcow2", "local:100/vm-100-disk-1.qcow2"});
  // Both volumes become unusedN of main in drive order (unused0, unused1), as in
  // Proxmox, and unused0 is dropped again because scsi0 still uses that volume.
  CHECK(done.main.count("unused0") == 0);
  CHECK(write(done) ==
        "memory: 512\nparent: sc\nscsi0: local:100/vm-100-disk-0.qcow2\nunused1: local:100/vm-100-disk-1.qcow2\n"
        "\n[sa]\nscsi0: local:100/vm-100-disk-0.qcow2\nsnaptime: 1\n"
        "\n[sc]\nparent: sa\nsnaptime: 3\n");
  // deleting a root: its children lose their parent
  auto root_done = delete_finish(delete_mark(delete_lock(conf), "sa", "snapshot-delete"), "sa", "snapshot-delete", {});
  CHECK(root_done.snapshots.at("sb").count("parent") == 0);
  CHECK(root_done.main.at("parent") == "sc");
}

TEST_CASE("rollback prepare refusals", "[snapshots][rules]") {
  auto conf = testing::parse_conf("memory: 512\n\n[sn]\nmemory: 256\nsnapstate: delete\nsnaptime: 1\n");
  CHECK(error_of([&] { rollback_prepare(conf, "xx"); }) == "snapshot 'xx' does not exist");
  CHECK(error_of([&] { rollback_prepare(conf, "sn"); }) ==
        "unable to rollback to incomplete snapshot (snapstate = delete)");
  conf.snapshots.at("sn").erase("snapstate");
  conf.main["lock"] = "backup";
  CHECK(error_of([&] { rollback_prepare(conf, "sn"); }) == "VM is locked (backup)");
  conf.main["template"] = "1";
  CHECK(error_of([&] { rollback_prepare(conf, "sn"); }) == "you can't rollback if vm is a template");
  conf.main.erase("template");
  conf.main.erase("lock");
  CHECK(rollback_prepare(conf, "sn").main.at("lock") == "rollback");
  CHECK(error_of([&] { rollback_finish(conf, "sn", ""); }) == "got wrong lock");
}

TEST_CASE("rollback finish: snapshot config, description and unused kept, new volumes unused", "[snapshots][rules]") {
  const std::string text =
      "# now\n"
      "cores: 4\nlock: rollback\nmemory: 1024\nparent: sn\n"
      "scsi0: local:100/vm-100-disk-0.qcow2\nscsi1: local:100/vm-100-disk-2.qcow2\n"
      "unused0: local:100/vm-100-disk-1.qcow2\nvmgenid: 11111111-1111-1111-1111-111111111111\n"
      "\n[PENDING]\nmemory: 4096\n"
      "\n[sn]\n#then\ncores: 1\nmemory: 512\nscsi0: local:100/vm-100-disk-0.qcow2\nsnaptime: 9\n"
      "vmgenid: 11111111-1111-1111-1111-111111111111\n";
  RollbackFinish f = rollback_finish(testing::parse_conf(text), "sn", "22222222-2222-2222-2222-222222222222");
  CHECK(write(f.conf) ==
        "# now\n"
        "cores: 1\nmemory: 512\nparent: sn\nscsi0: local:100/vm-100-disk-0.qcow2\n"
        "unused0: local:100/vm-100-disk-1.qcow2\nunused1: local:100/vm-100-disk-2.qcow2\n"
        "vmgenid: 22222222-2222-2222-2222-222222222222\n"
        "\n[sn]\n#then\ncores: 1\nmemory: 512\nscsi0: local:100/vm-100-disk-0.qcow2\nsnaptime: 9\n"
        "vmgenid: 11111111-1111-1111-1111-111111111111\n");
  CHECK(f.statefile.empty());
  CHECK(f.forcemachine == "pc-i440fx-1.4");
}

TEST_CASE("rollback finish: machine handling with vmstate", "[snapshots][rules]") {
  const std::string with_running =
      "lock: rollback\nmemory: 512\n\n[sn]\nmachine: q35\nmemory: 512\nrunning-nets-host-mtu: net0=1500\n"
      "runningcpu: host\nrunningmachine: pc-q35-7.2\nsnaptime: 1\nvmstate: local:100/vm-100-state-sn.raw\n";
  RollbackFinish a = rollback_finish(testing::parse_conf(with_running), "sn", "");
  CHECK(write(a.conf) == "machine: q35\nmemory: 512\nparent: sn\n" + with_running.substr(with_running.find("\n[sn]")));
  CHECK(a.forcemachine == "pc-q35-7.2");
  CHECK(a.forcecpu == "host");
  CHECK(a.statefile == "local:100/vm-100-state-sn.raw");

  // no runningmachine: the machine of the snapshot is dropped when the current config had none
  const std::string old_style = "lock: rollback\nmemory: 512\n\n[sn]\nmachine: q35\nmemory: 512\nsnaptime: 1\nvmstate: local:100/vm-100-state-sn.raw\n";
  RollbackFinish b = rollback_finish(testing::parse_conf(old_style), "sn", "");
  CHECK(b.conf.main.count("machine") == 0);
  CHECK(b.forcemachine == "q35");
  RollbackFinish c = rollback_finish(testing::parse_conf("machine: pc\n" + old_style), "sn", "");
  CHECK(c.conf.main.at("machine") == "q35");
}
