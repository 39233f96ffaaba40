// qm check-config <file> [--strict 1] [--vmid N]: parse a .conf file as
// Proxmox would and print its canonical form (stdout) or the problems
// (stderr); strict mode fails on the first error. Writes nothing.
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/config_error.h"
#include "config/reader.h"
#include "config/writer.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"

namespace qmd::service {

Reply run_check_config(const Request& req) {
  const std::string path = req.args.at(0);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError("unable to open file '" + path + "' - " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  int64_t vmid = 0;
  if (auto v = req.opt("vmid")) {
    vmid = parse_vmid(*v);
  } else {
    static const std::regex re("(?:^|/)([1-9][0-9]{2,8})\\.conf$");
    std::smatch m;
    if (std::regex_search(path, m, re)) vmid = std::stoll(m[1]);
  }
  const bool strict = flag(req, "strict");
  config::ParseResult parsed;
  try {
    parsed = config::parse_config(ss.str(), vmid, strict);
  } catch (const config::ConfigError& e) {
    return Reply::fail(e.what());
  }
  Reply r = Reply::ok(config::write_config(parsed.conf));
  for (const auto& w : parsed.warnings) r.err += w + "\n";
  return r;
}

}  // namespace qmd::service
