// The verb table: every qm verb with its positional arguments, its options and
// the handler that runs it. The CLI parses argv against it; qmd dispatches
// socket requests through it. Adding a verb = one file in service/commands/
// (in the folder of its family when it has one: clone/, disk/, migrate/,
// snapshot/, status/ — the runtime verbs, after Proxmox's `status/*` API
// paths) plus one entry in registry.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "service/request.h"

namespace qmd::service {

class App;

enum class OptKind {
  kFlag,   // boolean: bare `--force` means 1, or followed by a boolean spelling
  kValue,  // takes the next argument
};

struct OptionSpec {
  std::string name;
  OptKind kind;
};

struct VerbSpec {
  std::string name;
  std::vector<std::string> aliases;
  std::vector<std::string> positional;   // required positional argument names, in order
  std::vector<OptionSpec> options;       // verb options (config keys come from the schema)
  bool config_options = false;           // every config key is also an option (create, set)
  std::string synopsis;                  // "qm set <vmid> [OPTIONS]"
  Reply (*run)(App& app, const Request& req) = nullptr;
  // Verbs that need no database (check-config) set this instead of `run`.
  Reply (*run_offline)(const Request& req) = nullptr;
  // Interactive verbs (terminal, monitor without --command) set this: for a
  // request it says yes to, qm runs the verb in its own process, on the
  // user's terminal, instead of sending it to qmd.
  bool (*run_here)(const Request& req) = nullptr;
};

// The verb named `name` (or one of its aliases); nullptr when unknown.
const VerbSpec* find_verb(std::string_view name);
// All verbs, in the order `qm help` lists them.
const std::vector<VerbSpec>& all_verbs();

// Options every verb accepts.
inline const std::vector<OptionSpec>& global_options() {
  static const std::vector<OptionSpec> g = {{"output-format", OptKind::kValue}};
  return g;
}

}  // namespace qmd::service
