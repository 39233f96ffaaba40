#include "service/support/request_options.h"

#include <algorithm>
#include <regex>

namespace qmd::service {

CommandError param_error(const std::string& param, const std::string& message) {
  return CommandError("400 Parameter verification failed.\n" + param + ": " + message);
}

int64_t parse_vmid(const std::string& text, const std::string& param) {
  static const std::regex re("^[0-9]+$");
  if (!std::regex_match(text, re) || text.size() > 10) {
    throw param_error(param, "type check ('integer') failed - got '" + text + "'");
  }
  const int64_t v = std::stoll(text);
  if (v < 100) throw param_error(param, "value must have a minimum value of 100");
  if (v > 999999999) throw param_error(param, "value must have a maximum value of 999999999");
  return v;
}

bool flag(const Request& req, const std::string& name, bool dflt) {
  auto v = req.opt(name);
  if (!v) return dflt;
  std::string l = *v;
  std::transform(l.begin(), l.end(), l.begin(), ::tolower);
  if (l == "1" || l == "on" || l == "yes" || l == "true") return true;
  if (l == "0" || l == "off" || l == "no" || l == "false") return false;
  throw param_error(name, "type check ('boolean') failed - got '" + *v + "'");
}

int64_t int_option(const Request& req, const std::string& name, int64_t dflt, int64_t min) {
  auto v = req.opt(name);
  if (!v) return dflt;
  static const std::regex re("^[0-9]{1,15}$");
  if (!std::regex_match(*v, re)) throw param_error(name, "type check ('integer') failed - got '" + *v + "'");
  const int64_t n = std::stoll(*v);
  if (n < min) throw param_error(name, "value must have a minimum value of " + std::to_string(min));
  return n;
}

}  // namespace qmd::service
