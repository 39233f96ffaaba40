#include "tools/conformance/snapshot_scenarios.h"

namespace qmd::conformance {

namespace {

using Calls = std::map<std::string, std::string>;

const std::string d1 = "local:snapshotable-disk-1";
const std::string d2 = "local:snapshotable-disk-2";
const std::string d3 = "local:snapshotable-disk-3";

SnapshotScenario ok(std::string name) {
  SnapshotScenario s;
  s.name = std::move(name);
  s.error = "";
  return s;
}

SnapshotScenario err(std::string name, std::string error) {
  SnapshotScenario s = ok(std::move(name));
  s.error = std::move(error);
  return s;
}

SnapshotScenario with_vmstate(SnapshotScenario s) {
  s.vmstate = true;
  return s;
}

SnapshotScenario forced(SnapshotScenario s) {
  s.force = true;
  return s;
}

SnapshotScenario created(SnapshotScenario s, Calls c, Calls d = {}) {
  s.created = std::move(c);
  s.deleted = std::move(d);
  return s;
}

SnapshotScenario deleted(SnapshotScenario s, Calls d) {
  s.deleted = std::move(d);
  return s;
}

SnapshotScenario rolled(SnapshotScenario s, Calls r) {
  s.rolled_back = std::move(r);
  return s;
}

using Table = std::map<std::pair<std::string, int>, SnapshotScenario>;

Table build() {
  Table t;
  // prepare: the VM runs, so --vmstate saves RAM.
  t[{"prepare", 101}] = ok("test");
  t[{"prepare", 102}] = with_vmstate(ok("test"));
  t[{"prepare", 103}] = ok("test2");
  t[{"prepare", 104}] = with_vmstate(ok("test2"));
  t[{"prepare", 200}] = err("test", "VM is locked (snapshot)");
  t[{"prepare", 201}] = err("test", "snapshot name 'test' already used");
  t[{"prepare", 202}] = with_vmstate(err("test", "save_vmstate failed"));
  t[{"prepare", 202}].sim.save_vmstate_works = false;
  t[{"prepare", 300}] = err("test", "snapshot feature is not available");
  t[{"prepare", 300}].sim.snapshot_feature = false;

  t[{"commit", 101}] = ok("test");
  t[{"commit", 102}] = ok("test2");
  t[{"commit", 201}] = err("test", "missing snapshot lock");
  t[{"commit", 202}] = err("test", "snapshot 'test' does not exist");
  t[{"commit", 203}] = err("test", "wrong snapshot state");

  t[{"create", 101}] = created(ok("test"), {{d1, "test"}});
  t[{"create", 102}] = created(with_vmstate(ok("test")), {{d1, "test"}});
  t[{"create", 103}] = created(ok("test2"), {{d1, "test2"}});
  t[{"create", 104}] = created(with_vmstate(ok("test2")), {{d1, "test2"}});
  t[{"create", 105}] = created(ok("test"), {{d1, "test"}, {d2, "test"}, {d3, "test"}});
  t[{"create", 106}] = created(with_vmstate(ok("test")), {{d1, "test"}});
  t[{"create", 106}].sim.freeze_possible = false;
  t[{"create", 201}] = created(err("test", "volume snapshot disabled"), {});
  t[{"create", 202}] = created(err("test", "volume snapshot disabled"), {{d1, "test"}}, {{d1, "test"}});
  t[{"create", 203}] = created(err("test", "savevm-start disabled"), {});
  t[{"create", 203}].sim.savevm_start = false;
  t[{"create", 301}] = created(with_vmstate(ok("test")), {{d1, "test"}});
  t[{"create", 302}] = created(with_vmstate(err("test", "storage activation failed")), {});
  t[{"create", 302}].sim.activate_storage_possible = false;
  t[{"create", 303}] = created(with_vmstate(err("test", "storage activation failed")), {});
  t[{"create", 303}].sim.activate_storage_possible = false;

  t[{"delete", 101}] = deleted(ok("test"), {{d1, "test"}});
  t[{"delete", 102}] = deleted(ok("test2"), {{d1, "test2"}});
  t[{"delete", 103}] = deleted(ok("test"), {{d1, "test"}});
  t[{"delete", 104}] = deleted(ok("test2"), {{d1, "test2"}});
  t[{"delete", 105}] = deleted(forced(ok("test")), {});
  t[{"delete", 106}] = deleted(forced(ok("test")), {{d1, "test"}, {d3, "test"}});
  t[{"delete", 201}] = deleted(err("test", "volume snapshot delete disabled"), {});
  t[{"delete", 202}] = deleted(err("test", "volume snapshot delete disabled"), {{d1, "test"}});
  t[{"delete", 203}] = deleted(err("test", "VM is locked (backup)"), {});
  t[{"delete", 204}] = deleted(err("test", "storage activation failed"), {});
  t[{"delete", 204}].sim.activate_storage_possible = false;

  t[{"rollback", 101}] = rolled(ok("test"), {{d1, "test"}});
  t[{"rollback", 102}] = rolled(ok("test2"), {{d1, "test2"}});
  t[{"rollback", 103}] = rolled(ok("test"), {{d1, "test"}});
  t[{"rollback", 104}] = rolled(ok("test2"), {{d1, "test2"}});
  t[{"rollback", 105}] = rolled(ok("test"), {{d1, "test"}, {d2, "test"}, {d3, "test"}});
  t[{"rollback", 106}] = rolled(ok("test"), {{d1, "test"}});
  t[{"rollback", 201}] = rolled(err("test2", "snapshot 'test2' does not exist"), {});
  t[{"rollback", 202}] = rolled(err("test", "volume_rollback_is_possible failed"), {});
  t[{"rollback", 203}] = rolled(err("test", "unable to rollback to incomplete snapshot (snapstate = delete)"), {});
  t[{"rollback", 204}] = rolled(err("test", "VM is locked (backup)"), {});
  t[{"rollback", 205}] = rolled(err("test", "unable to rollback vm 205: vm is running"), {});
  t[{"rollback", 205}].sim.stop_possible = false;
  t[{"rollback", 206}] = rolled(err("test", "volume_rollback_is_possible failed"), {});
  t[{"rollback", 207}] = rolled(err("test", "volume snapshot rollback disabled"), {{d1, "test"}, {d2, "test"}});
  t[{"rollback", 301}] = rolled(ok("test"), {{d1, "test"}});
  t[{"rollback", 302}] = rolled(ok("test"), {{d1, "test"}});
  t[{"rollback", 303}] = rolled(err("test", "storage activation failed"), {});
  t[{"rollback", 303}].sim.activate_storage_possible = false;
  return t;
}

}  // namespace

std::optional<SnapshotScenario> known_scenario(const std::string& op, int vmid) {
  static const Table table = build();
  auto it = table.find({op, vmid});
  if (it == table.end()) return std::nullopt;
  return it->second;
}

SnapshotScenario default_scenario(const std::string& op, const config::ConfigFile& input) {
  SnapshotScenario s;
  s.name = "test";
  if (op == "prepare" || op == "create") {
    for (int i = 2; input.snapshots.count(s.name); ++i) s.name = "test" + std::to_string(i);
  } else if (op == "commit") {
    for (const auto& [name, section] : input.snapshots) {
      auto st = section.find("snapstate");
      if (st != section.end() && st->second == "prepare") s.name = name;
    }
  }
  return s;
}

}  // namespace qmd::conformance
