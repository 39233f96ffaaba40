#include "service/commands/status/reboot.h"

#include "service/commands/common.h"
#include "service/commands/status/start.h"
#include "service/runtime/verb_support.h"

namespace qmd::service {

Reply run_reboot(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  auto& rt = runtime::require_runtime(app);
  const auto s = load_existing(app, vmid);
  check_lock(s, false);
  if (rt.status(vmid, false).status != "running") throw CommandError("VM " + std::to_string(vmid) + " not running");
  const int timeout = static_cast<int>(int_option(req, "timeout", runtime::default_shutdown_timeout_s(s.conf.main), 0));
  Reply down = runtime::reply_of(rt.shutdown(vmid, timeout, false, req));
  if (down.exit_code != 0) return down;
  Reply up = start_vm(app, req, vmid, false, std::nullopt);
  up.err = down.err + up.err;
  return up;
}

}  // namespace qmd::service
