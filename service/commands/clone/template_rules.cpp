#include "service/commands/clone/template_rules.h"

#include "service/commands/common.h"

namespace qmd::service {

void check_template_allowed(const projections::VmState& s, bool with_disk) {
  check_lock(s, false);
  if (!s.conf.snapshots.empty()) throw CommandError("unable to create template, because VM contains snapshots");
  auto t = s.conf.main.find("template");
  if (t != s.conf.main.end() && t->second == "1" && !with_disk)
    throw CommandError("you can't convert a template to a template");
  if (s.status == "running" || s.status == "paused")
    throw CommandError("you can't convert a VM to template if VM is running");
}

}  // namespace qmd::service
