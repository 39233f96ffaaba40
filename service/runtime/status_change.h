// The runtime transitions of a VM as events: vm.status.changed {status, pid,
// cause, detail}. Pure: what the event says, and how a cause is worded.
#pragma once

#include <cstdint>
#include <string>

#include "events/event.h"
#include "service/runtime/exit_watch.h"

namespace qmd::service::runtime {

struct StatusChange {
  int64_t vmid = 0;
  std::string status;   // "running" | "paused" | "stopped"
  int64_t pid = 0;      // 0 when stopped
  std::string cause;    // "start by <user>", "stop request", "guest shutdown", "exited (code N)", ...
  std::string detail;   // free text ("" = none), e.g. the end of QEMU's log
};

// The event recording `c`.
events::NewEvent status_event(const StatusChange& c);

// Causes, worded once.
namespace cause {
std::string start_by(const std::string& user);          // "start by <user>"
inline constexpr const char* kStopRequest = "stop request";
inline constexpr const char* kGuestShutdown = "guest shutdown";
inline constexpr const char* kKilledAfterTimeout = "killed after timeout";
inline constexpr const char* kDiedWhileDown = "died while qmd was down";
inline constexpr const char* kAdopted = "re-adopted after qmd restart";
std::string suspend_by(const std::string& user);        // "suspend by <user>"
std::string resume_by(const std::string& user);         // "resume by <user>"
// The node-wide passes (qm startall / qm stopall) name themselves as the cause
// of every transition they ask for: "<verb> by <user>" for verb "startall" or
// "stopall"; "" for any other verb (the transition keeps its usual cause).
std::string of_pass(const std::string& verb, const std::string& user);
// How a process ended by itself: "exited (code N)", "killed by signal N", or
// "exited (status unknown)" for a process that was not qmd's child.
std::string of_exit(const ExitInfo& info);
}  // namespace cause

}  // namespace qmd::service::runtime
