// qm unlock <vmid>: removes the `lock:` unconditionally (silently when none),
// recorded as an event naming who released which lock.
#include "config/delta.h"
#include "projections/vm_events.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"

namespace qmd::service {

Reply run_unlock(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  return retry_on_conflict([&] {
    const auto s = load_existing(app, vmid);
    const std::string lock = s.lock();
    if (lock.empty()) return Reply::ok();
    config::ConfigFile after = s.conf;
    after.main.erase("lock");
    events::NewEvent e{projections::event_type::kUnlocked, 1,
                       {{"lock", lock}, {"delta", projections::delta_to_json(config::diff(s.conf, after))}}, {}};
    app.commit(vmid, s.version, {e}, req);
    return Reply::ok();
  });
}

}  // namespace qmd::service
