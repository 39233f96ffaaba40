#include "service/autoballoon/target_audit.h"

#include <algorithm>
#include <stdexcept>

#include "projections/vm_events.h"

namespace qmd::autoballoon {

TargetAudit::TargetAudit(int max_cycles) : max_cycles_(max_cycles) {
  if (max_cycles < 1) throw std::invalid_argument("max_cycles must be at least 1");
}

std::vector<TargetRecord> TargetAudit::after_cycle(const Plan& plan, const HostMemory& host,
                                                   const std::map<int, std::int64_t>& sent,
                                                   const std::map<int, std::int64_t>& live,
                                                   const std::set<int>& up) {
  std::set<int> changed;
  std::vector<TargetRecord> reversed;
  for (const auto& [vmid, target] : sent) {
    std::int64_t before;
    if (auto t = last_target_.find(vmid); t != last_target_.end()) before = t->second;
    else if (auto l = live.find(vmid); l != live.end()) before = l->second;
    else before = target;  // nothing known: not counted as a change
    last_target_[vmid] = target;
    if (target == before) continue;
    changed.insert(vmid);
    if (auto o = open_.find(vmid); o != open_.end() && (target > before) != (o->second.to > o->second.from)) {
      reversed.push_back(o->second);  // the direction turned: that series ends here
      open_.erase(o);
    }
    auto [it, fresh] = open_.try_emplace(vmid);
    TargetRecord& r = it->second;
    if (fresh) {
      r.vmid = vmid;
      r.from = before;
    }
    r.to = target;
    ++r.cycles;
    r.goal = plan.goal;
    r.set = plan.set_used;
    r.host = host;
  }
  std::vector<TargetRecord> due = std::move(reversed);
  for (auto it = open_.begin(); it != open_.end();) {
    const bool settled = !changed.count(it->first);
    if (settled || it->second.cycles >= max_cycles_ || !up.count(it->first)) {
      due.push_back(it->second);
      it = open_.erase(it);
    } else {
      ++it;
    }
  }
  std::erase_if(last_target_, [&](const auto& kv) { return !up.count(kv.first); });
  std::sort(due.begin(), due.end(), [](const TargetRecord& a, const TargetRecord& b) { return a.vmid < b.vmid; });
  return due;
}

std::vector<TargetRecord> TargetAudit::flush() {
  std::vector<TargetRecord> due;
  for (auto& [vmid, r] : open_) due.push_back(r);
  open_.clear();
  last_target_.clear();
  return due;
}

events::NewEvent target_event(const TargetRecord& r) {
  nlohmann::json p = {{"from", r.from},
                      {"target", r.to},
                      {"cycles", r.cycles},
                      {"goal", r.goal},
                      {"set", to_string(r.set)},
                      {"host",
                       {{"memtotal", r.host.memtotal},
                        {"memused", r.host.memused},
                        {"target_percent", r.host.target_percent}}}};
  return events::NewEvent{projections::event_type::kBalloonTarget, 1, p, {}};
}

}  // namespace qmd::autoballoon
