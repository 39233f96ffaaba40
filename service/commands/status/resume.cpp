#include "service/commands/status/resume.h"

#include "service/commands/common.h"
#include "service/runtime/verb_support.h"

namespace qmd::service {

Reply run_resume(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const bool skiplock = runtime::skiplock_option(app, req);
  auto& rt = runtime::require_runtime(app);
  const auto s = load_existing(app, vmid);
  if (s.lock() != "backup") check_lock(s, skiplock);
  return runtime::reply_of(rt.resume(vmid, req));
}

}  // namespace qmd::service
