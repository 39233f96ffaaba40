// Environment: where qmd keeps its files and who is acting — resolved once per
// process from flags and environment variables (the interface contract of the README).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace qmd::service {

struct Environment {
  std::string data_dir;   // --data-dir, QMD_DATA_DIR, /var/lib/qmd (root) or $XDG_DATA_HOME/qmd
  std::string db_path;    // --db, QMD_DB, else <data_dir>/qmd.db
  std::string node;       // --node, QMD_NODE, else the short host name
  std::string user;       // the acting user (peer credentials in qmd; the process user in qm)
  int64_t uid = -1;
  int64_t pid = 0;

  std::string run_dir() const { return data_dir + "/run"; }
};

// Fills the fields not given (empty / -1) from the environment and the
// process: QMD_DATA_DIR, QMD_DB, QMD_NODE, XDG_DATA_HOME, HOME, getuid(),
// getpwuid(), gethostname() (cut at the first dot).
Environment resolve_environment(const std::optional<std::string>& data_dir,
                                const std::optional<std::string>& db_path,
                                const std::optional<std::string>& node);

}  // namespace qmd::service
