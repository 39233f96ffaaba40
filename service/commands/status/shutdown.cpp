#include "service/commands/status/shutdown.h"

#include "service/commands/common.h"
#include "service/runtime/verb_support.h"

namespace qmd::service {

Reply run_shutdown(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const bool skiplock = runtime::skiplock_option(app, req);
  const bool force = flag(req, "forceStop");
  auto& rt = runtime::require_runtime(app);
  const auto s = load_existing(app, vmid);
  check_lock(s, skiplock);
  const int timeout = static_cast<int>(int_option(req, "timeout", runtime::default_shutdown_timeout_s(s.conf.main), 0));
  return runtime::reply_of(rt.shutdown(vmid, timeout, force, req));
}

}  // namespace qmd::service
