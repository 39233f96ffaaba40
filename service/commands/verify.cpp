// qm verify: the hash chain, the read tables against a replay, and every
// .conf file against its rendering. Prints the first mismatch with its seq;
// exit 1 when anything differs.
#include <fmt/format.h>

#include "export/materialize.h"
#include "projections/replay.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"

namespace qmd::service {

Reply run_verify(App& app, const Request& req) {
  nlohmann::json result = {{"events", app.store().head_seq()}};
  std::string problem;
  int64_t seq = 0;
  std::string why;
  if (auto bad = app.store().verify_chain(&why)) {
    seq = *bad;
    problem = "hash chain broken at seq " + std::to_string(*bad) + ": " + why;
    result["check"] = "chain";
  } else if (auto m = projections::verify_read_model(app.store(), app.model())) {
    seq = m->seq;
    problem = "read tables differ at seq " + std::to_string(m->seq) + ": " + m->what;
    result["check"] = "read-tables";
  } else if (auto f = exporting::verify_conf_files(app.model(), app.tree())) {
    seq = f->seq;
    problem = ".conf files differ at seq " + std::to_string(f->seq) + ": " + f->what;
    result["check"] = "conf-files";
  }
  result["ok"] = problem.empty();
  if (!problem.empty()) {
    result["seq"] = seq;
    result["problem"] = problem;
  }
  if (req.output_format != "text") {
    Reply r = Reply::ok(render_json(req, result));
    r.exit_code = problem.empty() ? 0 : 1;
    return r;
  }
  if (!problem.empty()) return Reply{1, {}, "verify failed: " + problem + "\n"};
  return Reply::ok(fmt::format("OK: {} events, hash chain intact, read tables and .conf files match the log\n",
                               app.store().head_seq()));
}

}  // namespace qmd::service
