#include "service/commands/console/sendkey.h"

#include <regex>

#include "service/commands/common.h"
#include "service/commands/console/hmp.h"
#include "service/runtime/verb_support.h"

namespace qmd::service {

Reply run_sendkey(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const std::string& key = req.args.at(1);
  static const std::regex key_shape("[A-Za-z0-9_]+(-[A-Za-z0-9_]+)*");
  if (!std::regex_match(key, key_shape)) throw param_error("key", "invalid key '" + key + "'");
  const int64_t hold = int_option(req, "hold-time", 0, 1);
  const bool skiplock = runtime::skiplock_option(app, req);
  check_lock(load_existing(app, vmid), skiplock);
  std::string cmd = "sendkey " + key;
  if (hold > 0) cmd += " " + std::to_string(hold);
  const std::string answer = console::hmp(app, vmid, cmd);
  if (!answer.empty()) return Reply::fail(answer);
  return Reply::ok();
}

}  // namespace qmd::service
