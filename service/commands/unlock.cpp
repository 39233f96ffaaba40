// qm unlock <vmid>: removes the `lock:` unconditionally (silently when none),
// recorded as an event naming who released which lock.
#include "service/commands/unlock.h"

#include "config/delta.h"
#include "projections/vm_events.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"

namespace qmd::service {

std::string remove_lock(App& app, int64_t vmid, const Request& req, const std::string& only) {
  return retry_on_conflict([&] {
    const auto s = load_existing(app, vmid);
    const std::string lock = s.lock();
    if (lock.empty() || (!only.empty() && lock != only)) return std::string();
    config::ConfigFile after = s.conf;
    after.main.erase("lock");
    events::NewEvent e{projections::event_type::kUnlocked, 1,
                       {{"lock", lock}, {"delta", projections::delta_json(s.conf, after)}}, {}};
    app.commit(vmid, s.version, {e}, req);
    return lock;
  });
}

Reply run_unlock(App& app, const Request& req) {
  remove_lock(app, parse_vmid(req.args.at(0)), req);
  return Reply::ok();
}

}  // namespace qmd::service
