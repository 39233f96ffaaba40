#include "service/support/output.h"

namespace qmd::service {

std::string render_json(const Request& req, const nlohmann::json& j) {
  return (req.output_format == "json-pretty" ? j.dump(4) : j.dump()) + "\n";
}

std::string chomped(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

}  // namespace qmd::service
