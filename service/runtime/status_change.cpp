#include "service/runtime/status_change.h"

#include "projections/vm_events.h"

namespace qmd::service::runtime {

events::NewEvent status_event(const StatusChange& c) {
  nlohmann::json p = {{"status", c.status}, {"pid", c.pid}, {"cause", c.cause}};
  if (!c.detail.empty()) p["detail"] = c.detail;
  return events::NewEvent{projections::event_type::kStatusChanged, 1, p, {}};
}

namespace cause {
std::string start_by(const std::string& user) { return "start by " + user; }
std::string suspend_by(const std::string& user) { return "suspend by " + user; }
std::string resume_by(const std::string& user) { return "resume by " + user; }
std::string of_pass(const std::string& verb, const std::string& user) {
  if (verb != "startall" && verb != "stopall") return {};
  return verb + " by " + user;
}
std::string of_exit(const ExitInfo& info) {
  if (!info.status_known) return "exited (status unknown)";
  if (info.signal != 0) return "killed by signal " + std::to_string(info.signal);
  return "exited (code " + std::to_string(info.exit_code) + ")";
}
}  // namespace cause

}  // namespace qmd::service::runtime
