#include "service/environment.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "config/node_name.h"

namespace qmd::service {

namespace {
std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

std::string default_data_dir(uid_t uid) {
  if (uid == 0) return "/var/lib/qmd";
  if (auto x = env("XDG_DATA_HOME")) return *x + "/qmd";
  if (auto h = env("HOME")) return *h + "/.local/share/qmd";
  return "/var/lib/qmd";
}

std::string short_hostname() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  std::string h(buf);
  if (auto dot = h.find('.'); dot != std::string::npos) h.resize(dot);
  return h.empty() ? "localhost" : h;
}
}  // namespace

Environment resolve_environment(const std::optional<std::string>& data_dir,
                                const std::optional<std::string>& db_path,
                                const std::optional<std::string>& node) {
  Environment e;
  const uid_t uid = ::getuid();
  e.data_dir = data_dir ? *data_dir : env("QMD_DATA_DIR").value_or(default_data_dir(uid));
  while (e.data_dir.size() > 1 && e.data_dir.back() == '/') e.data_dir.pop_back();
  e.db_path = db_path ? *db_path : env("QMD_DB").value_or(e.data_dir + "/qmd.db");
  e.node = node ? *node : env("QMD_NODE").value_or(short_hostname());
  // The node is a directory of the tree: never a path.
  if (!config::is_valid_node_name(e.node))
    throw std::invalid_argument("node '" + e.node + "': invalid format - " + std::string(config::kInvalidNodeName));
  e.uid = uid;
  if (const passwd* pw = ::getpwuid(uid)) {
    e.user = pw->pw_name;
  } else {
    e.user = "uid" + std::to_string(uid);
  }
  e.pid = ::getpid();
  return e;
}

}  // namespace qmd::service
