#include "tools/conformance/mode_snapshot.h"

#include <optional>

#include "config/reader.h"
#include "config/writer.h"
#include "service/snapshots/engine.h"
#include "tools/conformance/case_io.h"
#include "tools/conformance/snapshot_scenarios.h"

namespace qmd::conformance {

namespace {

namespace snap = service::snapshots;

constexpr int64_t kSnaptime = 1234567890;
// rollback regenerates a set vmgenid; no fixture has one, any fixed value will do.
constexpr const char* kVmgenid = "00000000-0000-4000-8000-000000000001";

// The .conf "file" of one case, kept in memory: load parses it, every record
// writes the new config back, as the harness's load_config/write_config do.
class FileLog : public snap::OperationLog {
 public:
  FileLog(std::string text, int64_t vmid) : text_(std::move(text)), vmid_(vmid) {}
  config::ConfigFile load() override { return config::parse_config(text_, vmid_, false).conf; }
  void record(const snap::Entry&, const config::ConfigFile&, const config::ConfigFile& after) override {
    text_ = config::write_config(after);
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  int64_t vmid_;
};

std::string format_calls(const std::map<std::string, std::string>& calls) {
  std::string s = "{";
  for (const auto& [volid, names] : calls) s += (s.size() > 1 ? ", " : "") + volid + " => " + names;
  return s + "}";
}

std::string check_calls(const char* what, const std::optional<std::map<std::string, std::string>>& expected,
                        const std::map<std::string, std::string>& actual) {
  if (!expected || *expected == actual) return "";
  return std::string(what) + " " + format_calls(actual) + ", expected " + format_calls(*expected);
}

// Runs one case; returns "" when it passes, else the reason. `note` gets
// remarks for passing cases.
std::string run_case(const std::string& op, int vmid, const std::string& input, const std::string& expected,
                     std::string& note) {
  FileLog log(input, vmid);
  std::optional<SnapshotScenario> known = known_scenario(op, vmid);
  SnapshotScenario sc = known ? *known : default_scenario(op, log.load());
  if (!known) note = "VMID not in the harness's case list: default scenario, snapshot '" + sc.name + "'";
  SimulatedBackend backend(sc.sim);
  snap::Console console;
  snap::Context ctx{vmid, log, backend, console};
  snap::CreateOptions create{sc.name, sc.vmstate, "test comment", kSnaptime};

  std::string error;
  try {
    if (op == "prepare") snap::prepare_snapshot(ctx, create);
    else if (op == "commit") snap::commit_snapshot(ctx, sc.name);
    else if (op == "create") snap::create_snapshot(ctx, create);
    else if (op == "delete") snap::delete_snapshot(ctx, sc.name, sc.force);
    else if (op == "rollback") snap::rollback_snapshot(ctx, sc.name, kVmgenid);
    else return "unknown operation '" + op + "'";
  } catch (const std::exception& e) {
    error = e.what();
  }

  if (sc.error && error != *sc.error) {
    return error.empty() ? "succeeded, expected error '" + *sc.error + "'"
                         : "error '" + error + "', expected " + (sc.error->empty() ? "success" : "'" + *sc.error + "'");
  }
  if (!sc.error && !error.empty()) note += (note.empty() ? "" : "; ") + std::string("error '") + error + "'";
  if (log.text() != expected) return "file differs: " + first_difference(expected, log.text());
  for (const auto& r : {check_calls("volume snapshots", sc.created, backend.created),
                        check_calls("volume snapshot deletes", sc.deleted, backend.deleted),
                        check_calls("volume rollbacks", sc.rolled_back, backend.rolled_back)})
    if (!r.empty()) return r;
  return "";
}

}  // namespace

int run_snapshot(const std::string& input_root, const std::string& expected_root) {
  Report report;
  for (const std::string op : {"prepare", "commit", "create", "delete", "rollback"}) {
    const std::string in_dir = input_root + "/" + op + "/qemu-server";
    const std::string exp_dir = expected_root + "/" + op + "/qemu-server";
    for (const auto& file : list_files(in_dir, ".conf")) {
      const std::string name = op + "/" + file.substr(0, file.size() - 5);
      const std::string stem = file.substr(0, file.size() - 5);
      int vmid = 0;
      try {
        vmid = std::stoi(stem);
      } catch (const std::exception&) {
        report.fail(name, "file name is not <vmid>.conf");
        continue;
      }
      auto input = read_file(in_dir + "/" + file);
      auto expected = read_file(exp_dir + "/" + file);
      if (!input) {
        report.fail(name, "cannot read " + in_dir + "/" + file);
        continue;
      }
      if (!expected) {
        report.fail(name, "no expected file " + exp_dir + "/" + file);
        continue;
      }
      std::string note, reason;
      try {
        reason = run_case(op, vmid, *input, *expected, note);
      } catch (const std::exception& e) {
        reason = std::string("threw: ") + e.what();
      }
      if (reason.empty()) report.pass(name, note);
      else report.fail(name, reason);
    }
  }
  return report.finish();
}

}  // namespace qmd::conformance
