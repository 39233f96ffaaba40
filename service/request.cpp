#include "service/request.h"

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

void Request::flush_live(std::string& pending) const {
  if (!live || pending.empty()) return;
  live(OutStream::out, pending);
  pending.clear();
}

}  // namespace qmd::service
