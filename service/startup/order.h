// Boot-time start (startall) and orderly shutdown (stopall) plans, spec §6.11,
// as Proxmox's PVE::API2::Nodes computes them.
//
// Pure: the caller passes what it knows of this node's guests and executes the
// plan (start/stop, waits, parallelism, quorum, `startall-onboot-delay`).
// The `startup` value is parsed with config/formats/options.h parse_startup().
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "config/config_error.h"

namespace qmd::startup {

inline constexpr std::uint64_t kDefaultUpDelay = 3;        // seconds after a VM start
inline constexpr std::uint64_t kDefaultStopTimeout = 180;  // stopall --timeout default

// One guest of this node, as read from its config and the process table.
struct GuestRecord {
  int vmid = 0;
  bool onboot = false;         // config `onboot`
  std::string startup;         // config `startup`, "" when unset
  bool running = false;
  std::string lock;            // config `lock`, "" when none
  bool is_template = false;    // templates are never started, stopped or unlocked
  bool ha_managed = false;     // left to the HA manager unless named in `only`
};

struct StartStep {
  int vmid = 0;
  std::uint64_t up_delay = 0;  // seconds to wait after a successful start: `up`, else 3
  bool operator==(const StartStep&) const = default;
};

struct StopStep {
  int vmid = 0;
  std::uint64_t timeout = 0;   // shutdown timeout in seconds: `down`, else the stopall timeout
  bool operator==(const StopStep&) const = default;
};

// Guests sharing one startup order. `order` is nullopt for the group of guests
// without an order, which comes after every ordered group when starting and
// before them when stopping. (As in Proxmox, unset counts as order 2^63-1, so a
// guest with exactly that order lands in the unordered group.)
template <typename Step>
struct Group {
  std::optional<std::uint64_t> order;
  std::vector<Step> guests;
  bool operator==(const Group&) const = default;
};
using StartGroup = Group<StartStep>;
using StopGroup = Group<StopStep>;

struct StartallOptions {
  bool force = false;                 // also start guests without `onboot: 1`
  std::optional<std::set<int>> only = std::nullopt;  // consider only these VMIDs (HA-managed ones included)
};

struct BootPlan {
  // Guests whose `lock: backup` is left over from before the boot and must be
  // removed before anything starts: every non-template guest of the node, whatever
  // `only` says, ascending.
  std::vector<int> clear_backup_lock;
  // Groups by ascending order, VMIDs ascending within a group. Guests already
  // running, templates, and (unless named in `only`) HA-managed guests are left out.
  std::vector<StartGroup> groups;
};

struct StopallOptions {
  std::uint64_t timeout = kDefaultStopTimeout;
  std::optional<std::set<int>> only = std::nullopt;  // consider only these VMIDs (HA-managed ones included)
};

// The error for a guest whose `startup` value does not parse. what() is exactly
// "unable to parse startup options".
struct StartupOptionsError : config::ConfigError {
  StartupOptionsError(int vmid, const config::ConfigError& cause)
      : config::ConfigError(cause.what()), vmid(vmid) {}
  int vmid;
};

// Throws StartupOptionsError for the first (lowest VMID) considered guest whose
// `startup` does not parse; guests that are not considered are not parsed.
// Throws std::invalid_argument when a vmid occurs twice.
BootPlan plan_startall(std::span<const GuestRecord> guests, const StartallOptions& options = {});

// All running guests (not only onboot ones), groups by descending order (the
// unordered group first), VMIDs descending within a group. Throws as plan_startall.
std::vector<StopGroup> plan_stopall(std::span<const GuestRecord> guests,
                                    const StopallOptions& options = {});

// Parallel starts per group when the node does not configure max_workers:
// min(max(1, cpus - 1), 8).
unsigned default_max_workers(unsigned cpus);

}  // namespace qmd::startup
