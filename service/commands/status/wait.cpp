#include "service/commands/status/wait.h"

#include "service/commands/common.h"
#include "service/runtime/verb_support.h"

namespace qmd::service {

Reply run_wait(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const int timeout = static_cast<int>(int_option(req, "timeout", 0, 1));
  auto& rt = runtime::require_runtime(app);
  load_existing(app, vmid);
  int64_t pid = 0;
  const runtime::OpResult r = rt.wait(vmid, timeout, &pid);
  const std::string out =
      pid == 0 ? std::string() : "waiting until VM " + std::to_string(vmid) + " stops (PID " + std::to_string(pid) + ")\n";
  return runtime::reply_of(r, out);
}

}  // namespace qmd::service
