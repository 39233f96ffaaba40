#include "service/commands/status/suspend.h"

#include "service/commands/common.h"
#include "service/runtime/verb_support.h"

namespace qmd::service {

Reply run_suspend(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const bool skiplock = runtime::skiplock_option(app, req);
  if (flag(req, "todisk")) throw CommandError("suspend to disk (--todisk) is not supported by qmd");
  if (req.has("statestorage")) throw param_error("statestorage", "this parameter is only allowed together with 'todisk'");
  auto& rt = runtime::require_runtime(app);
  const auto s = load_existing(app, vmid);
  if (s.lock() != "backup") check_lock(s, skiplock);
  return runtime::reply_of(rt.suspend(vmid, req));
}

}  // namespace qmd::service
