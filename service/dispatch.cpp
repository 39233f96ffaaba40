#include "service/dispatch.h"

#include <spdlog/spdlog.h>

#include "config/config_error.h"
#include "events/store.h"
#include "service/cluster/forward.h"
#include "service/commands/registry.h"

namespace qmd::service {

bool needs_app(const Request& req) {
  const VerbSpec* verb = find_verb(req.verb);
  return verb == nullptr || verb->run_offline == nullptr;
}

Reply dispatch(App* app, const Request& req) {
  const VerbSpec* verb = find_verb(req.verb);
  if (verb == nullptr || (verb->run == nullptr && verb->run_offline == nullptr)) {
    return Reply::fail("unknown command 'qm " + req.verb + "'");
  }
  if (req.args.size() != verb->positional.size()) {
    return Reply::fail(req.args.size() < verb->positional.size() ? "400 not enough arguments"
                                                                  : "400 too many arguments");
  }
  try {
    if (verb->run_offline != nullptr) return verb->run_offline(req);
    if (app == nullptr) return Reply::fail("internal error: 'qm " + req.verb + "' needs the database");
    if (auto forwarded = cluster::forward_to_owner(*app, req)) return *forwarded;
    return verb->run(*app, req);
  } catch (const CommandError& e) {
    return Reply::fail(e.what(), e.exit_code());
  } catch (const config::ConfigError& e) {
    return Reply::fail(e.what());
  } catch (const events::ConflictError& e) {
    return Reply::fail(e.what());
  } catch (const std::exception& e) {
    spdlog::debug("{} failed: {}", req.verb, e.what());
    return Reply::fail(e.what());
  }
}

}  // namespace qmd::service
