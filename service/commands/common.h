// Helpers shared by the command handlers: argument checks with Proxmox's
// messages, loading a VM that must exist, lock checks, output formatting.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "events/store.h"
#include "projections/vm_state.h"
#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

// A VMID argument: 100 … 999999999 (Proxmox: first digit 1-9, then 2-8 digits).
// Throws CommandError `400 Parameter verification failed.\n<param>: ...`.
int64_t parse_vmid(const std::string& text, const std::string& param = "vmid");

// A boolean option value (1/0/on/off/yes/no/true/false), or the default when absent.
// Throws CommandError naming the option on any other spelling.
bool flag(const Request& req, const std::string& name, bool dflt = false);

// An integer option (>= min) or the default. Throws CommandError naming the option.
int64_t int_option(const Request& req, const std::string& name, int64_t dflt, int64_t min = 0);

// The `400 Parameter verification failed.\n<param>: <message>` error.
CommandError param_error(const std::string& param, const std::string& message);

// The VM's state; throws CommandError
// `Configuration file 'nodes/<node>/qemu-server/<vmid>.conf' does not exist` when
// the VM does not exist.
projections::VmState load_existing(App& app, int64_t vmid);

// Throws CommandError `VM is locked (<lock>)` when the VM is locked and skiplock is false.
void check_lock(const projections::VmState& s, bool skiplock);

// Runs `attempt` (load state → decide → commit) again when the commit hits an
// expected-version conflict, so concurrent commands serialize the way
// Proxmox's per-VM flock makes them: each decides on the state it commits
// against. Gives up with the conflict error after a few tries.
template <class F>
auto retry_on_conflict(F attempt) {
  for (int i = 0;; ++i) {
    try {
      return attempt();
    } catch (const events::ConflictError&) {
      if (i >= 8) throw;
    }
  }
}

// The current file digest (SHA-1 of the rendered .conf).
std::string digest_of(const projections::VmState& s);

// Renders JSON for --output-format json / json-pretty.
std::string render_json(const Request& req, const nlohmann::json& j);

// `s` without its trailing newlines: a reply's one-line message, to embed.
std::string chomped(std::string s);

// ms since the epoch, UTC.
int64_t now_ms();
// "2026-11-26T15:04:05.123Z"
std::string format_time_ms(int64_t ms);
// "2026-11-26 15:04:05" (UTC), as Proxmox's listsnapshot prints local time.
std::string format_time_s(int64_t s);

// A point in the log given as `--at`/`--from`/`--to`: digits = a seq; otherwise
// a UTC time `YYYY-MM-DD[THH:MM[:SS[.mmm]]][Z]` (a space may replace T) or
// `@<epoch seconds>`. A time names the END of the period it gives (a date = its
// last millisecond) unless `start_of_period` (used for --since). Throws
// CommandError naming the option for anything else.
events::Upto parse_point(const std::string& option, const std::string& text, bool start_of_period = false);

}  // namespace qmd::service
