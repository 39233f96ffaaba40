#include "service/runtime/verb_support.h"

#include <algorithm>

#include "config/config_error.h"
#include "config/formats/options.h"
#include "service/support/request_options.h"
#include "service/protocol/socket_path.h"

namespace qmd::service::runtime {

Runtime& require_runtime(const App& app) {
  Runtime* rt = app.runtime();
  if (rt == nullptr) {
    throw CommandError(qmd_not_running_message(protocol::socket_path(app.env().data_dir), app.env().data_dir));
  }
  return *rt;
}

bool skiplock_option(const App& app, const Request& req) {
  const bool skiplock = flag(req, "skiplock");
  const int64_t uid = req.actor ? req.actor->uid : app.env().uid;
  if (skiplock && uid != 0) throw param_error("skiplock", "Only root may use this option.");
  return skiplock;
}

namespace {
std::optional<int64_t> leading_number(std::string v) {
  if (v.starts_with("current=")) v = v.substr(8);
  v = v.substr(0, v.find(','));
  if (v.empty() || v.size() > 12 || !std::all_of(v.begin(), v.end(), ::isdigit)) return std::nullopt;
  return std::stoll(v);
}
}  // namespace

int64_t memory_mib(const config::Section& main) {
  auto it = main.find("memory");
  if (it == main.end()) return 512;
  return leading_number(it->second).value_or(512);
}

std::optional<int64_t> balloon_mib(const config::Section& main) {
  auto it = main.find("balloon");
  if (it == main.end()) return std::nullopt;
  auto v = leading_number(it->second);
  if (!v || *v == 0) return std::nullopt;
  return v;
}

int default_start_timeout_s(const config::Section& main) {
  return static_cast<int>(std::max<int64_t>(30, memory_mib(main) / 1024));
}

int default_shutdown_timeout_s(const config::Section& main) {
  auto it = main.find("startup");
  if (it != main.end()) {
    try {
      if (auto down = config::parse_startup(it->second).down) return static_cast<int>(*down);
    } catch (const config::ConfigError&) {
    }
  }
  return 60;
}

Reply reply_of(const OpResult& r, std::string out) {
  if (!r.error.empty()) {
    Reply rep = Reply::fail(r.error);
    rep.out = std::move(out);
    rep.err = r.warnings + rep.err;
    return rep;
  }
  Reply rep = Reply::ok(std::move(out));
  rep.err = r.warnings;
  return rep;
}

}  // namespace qmd::service::runtime
