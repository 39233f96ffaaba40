#include "service/commands/status/reset.h"

#include "service/commands/common.h"
#include "service/runtime/verb_support.h"

namespace qmd::service {

Reply run_reset(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const bool skiplock = runtime::skiplock_option(app, req);
  auto& rt = runtime::require_runtime(app);
  check_lock(load_existing(app, vmid), skiplock);
  return runtime::reply_of(rt.reset(vmid, req));
}

}  // namespace qmd::service
