// qm export --dir DIR [--at SEQ|TIME]: the whole .conf tree as it was then.
#include <fmt/format.h>

#include "export/materialize.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"

namespace qmd::service {

Reply run_export(App& app, const Request& req) {
  const auto dir = req.opt("dir");
  if (!dir || dir->empty()) throw param_error("dir", "property is missing and it is not optional");
  events::Upto upto;
  if (auto at = req.opt("at")) upto = parse_point("at", *at);
  const int n = exporting::export_tree(app.store(), *dir, upto);
  return Reply::ok(fmt::format("exported {} VM config(s) to {}\n", n, *dir));
}

}  // namespace qmd::service
