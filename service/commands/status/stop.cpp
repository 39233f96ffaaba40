#include "service/commands/status/stop.h"

#include "service/commands/common.h"
#include "service/runtime/verb_support.h"

namespace qmd::service {

Reply run_stop(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const bool skiplock = runtime::skiplock_option(app, req);
  const int timeout = static_cast<int>(int_option(req, "timeout", 60, 0));
  auto& rt = runtime::require_runtime(app);
  const auto s = load_existing(app, vmid);
  // --migratedfrom: a migration aborting stops its incoming QEMU under its own lock.
  if (!req.has("migratedfrom")) check_lock(s, skiplock);
  return runtime::reply_of(rt.stop(vmid, timeout, req));
}

}  // namespace qmd::service
