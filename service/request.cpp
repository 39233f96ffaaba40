#include "service/request.h"

#include "config/secrets.h"

namespace qmd::service {

std::optional<std::string> Request::opt(const std::string& name) const {
  std::optional<std::string> v;
  for (const auto& [k, val] : options)
    if (k == name) v = val;
  return v;
}

std::vector<std::string> Request::all(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& [k, val] : options)
    if (k == name) out.push_back(val);
  return out;
}

void Request::hide_secrets() {
  bool leaks = false;
  for (const auto& [k, v] : options)
    if (config::is_secret_key(k) && !v.empty() && command_line.find(v) != std::string::npos) leaks = true;
  if (!leaks) return;
  command_line = "qm " + verb;
  for (const auto& a : args) command_line += " " + a;
  for (const auto& [k, v] : options) command_line += " --" + k + " " + config::shown_value(k, v);
}

void Request::flush_live(std::string& pending) const {
  if (!live || pending.empty()) return;
  live(OutStream::out, pending);
  pending.clear();
}

}  // namespace qmd::service
