// qm rebuild: drop the read tables and the .conf files' marks, replay the log.
#include <unistd.h>

#include <fmt/format.h>

#include "projections/replay.h"
#include "service/commands/verbs.h"

namespace qmd::service {

Reply run_rebuild(App& app, const Request& req) {
  // A progress bar only when a person watches (the user's stderr is a terminal).
  projections::Progress progress = nullptr;
  if (req.shows_terminal_progress()) {
    progress = [&req](int64_t done, int64_t total) {
      const int pct = total > 0 ? static_cast<int>(done * 100 / total) : 100;
      req.live(OutStream::err, fmt::format("\rreplaying [{:<20}] {:3}% {}/{} events{}", std::string(pct / 5, '#'), pct,
                                           done, total, done == total ? "\n" : ""));
    };
  }
  const int64_t n = projections::rebuild(app.store(), app.model(), progress);
  // Files of VMs that no longer exist, or on the wrong node, are removed too.
  for (const auto& f : app.tree().scan()) {
    auto s = app.model().load(f.vmid);
    if (!s.exists || s.node != f.node) ::unlink(f.path.c_str());
  }
  app.sync_conf_files();
  return Reply::ok(fmt::format("rebuilt read tables and .conf files from {} events\n", n));
}

}  // namespace qmd::service
