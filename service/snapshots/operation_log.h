// Where the snapshot engine writes: every config change of an operation, and
// every step, goes through an OperationLog. In qmd it becomes events
// (vm.operation.started / step / completed / failed, see app_log.h); the
// conformance runner writes the .conf file instead.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "config/config_file.h"

namespace qmd::service::snapshots {

enum class Phase {
  kStarted,    // the operation takes its lock (op names it)
  kStep,       // one step done; the config may change (a section loses a drive, ...)
  kCompleted,  // the operation ends and releases its lock
  kFailed,     // the operation gave up; whatever lock the config holds stays
};

struct Entry {
  Phase phase = Phase::kStep;
  std::string op;          // kStarted: "snapshot" | "rollback" | "snapshot-delete"
  std::string text;        // kStep: what was done; kFailed: the error
  nlohmann::json detail = nlohmann::json::object();
};

class OperationLog {
 public:
  virtual ~OperationLog() = default;
  // The config as it is now. The engine re-reads it before every rule, as
  // Proxmox re-loads the file under its flock.
  virtual config::ConfigFile load() = 0;
  // Records one entry and the config change it causes (before == after: none).
  virtual void record(const Entry& entry, const config::ConfigFile& before, const config::ConfigFile& after) = 0;
};

// What the operation prints: stdout lines and warnings (stderr), in order.
struct Console {
  std::string out;
  std::string err;
  void print(const std::string& line) { out += line + "\n"; }
  void warn(const std::string& line) {
    err += line;
    if (line.empty() || line.back() != '\n') err += "\n";
  }
};

}  // namespace qmd::service::snapshots
