// qm locks: every locked VM with its lock, since when, by whom, and the last
// completed step of the operation that holds it.
#include <fmt/format.h>

#include "projections/vm_events.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"

namespace qmd::service {

namespace {

struct LockInfo {
  int64_t vmid = 0;
  std::string lock, user, last_step, op_state;
  int64_t since = 0;
  int64_t seq = 0;
};

// Who set the lock and when: the running operation if it holds it, else the
// newest event of the stream whose delta set `lock`.
LockInfo describe(App& app, const projections::VmState& s) {
  LockInfo info{s.vmid, s.lock(), "", "", "", 0, 0};
  if (s.op && s.op->state == "running" && s.op->kind == info.lock) {
    info.user = s.op->user;
    info.since = s.op->started_at;
    info.seq = s.op->started_seq;
    info.last_step = s.op->last_step;
    info.op_state = s.op->state;
    return info;
  }
  auto list = app.store().read_stream(projections::vm_stream(s.vmid));
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    auto d = it->payload.find("delta");
    if (d == it->payload.end()) continue;
    for (const auto& k : projections::delta_from_json(*d).keys) {
      if (k.section.empty() && k.key == "lock" && k.new_value == info.lock) {
        info.user = it->meta.value("user", "");
        info.since = it->recorded_at;
        info.seq = it->seq;
        if (s.op && s.op->kind == info.lock) {
          info.last_step = s.op->last_step;
          info.op_state = s.op->state;
        }
        return info;
      }
    }
  }
  return info;
}

}  // namespace

Reply run_locks(App& app, const Request& req) {
  std::vector<LockInfo> locked;
  for (const auto& s : app.model().list()) {
    if (!s.lock().empty()) locked.push_back(describe(app, s));
  }
  if (req.output_format != "text") {
    auto arr = nlohmann::json::array();
    for (const auto& l : locked) {
      arr.push_back({{"vmid", l.vmid}, {"lock", l.lock}, {"since", format_time_ms(l.since)},
                     {"since_ms", l.since}, {"seq", l.seq}, {"user", l.user},
                     {"last_step", l.last_step}, {"operation_state", l.op_state}});
    }
    return Reply::ok(render_json(req, arr));
  }
  if (locked.empty()) return Reply::ok();
  std::string out = fmt::format("{:>10} {:<16} {:<24} {:<12} {}\n", "VMID", "LOCK", "SINCE (UTC)", "BY", "LAST STEP");
  for (const auto& l : locked) {
    out += fmt::format("{:>10} {:<16} {:<24} {:<12} {}\n", l.vmid, l.lock, format_time_ms(l.since), l.user,
                       l.last_step.empty() ? "-" : l.last_step);
  }
  return Reply::ok(out);
}

}  // namespace qmd::service
