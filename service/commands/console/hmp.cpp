#include "service/commands/console/hmp.h"

#include "service/runtime/verb_support.h"

namespace qmd::service::console {

std::string hmp(App& app, int64_t vmid, const std::string& command_line, int timeout_s) {
  auto& rt = runtime::require_runtime(app);
  const runtime::QmpReply r =
      rt.qmp(vmid, "human-monitor-command", {{"command-line", command_line}}, timeout_s * 1000);
  if (!r.error.empty()) throw CommandError(r.error);
  return r.value.is_string() ? r.value.get<std::string>() : std::string();
}

}  // namespace qmd::service::console
