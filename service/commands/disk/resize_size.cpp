#include "service/commands/disk/resize_size.h"

#include <limits>
#include <regex>

#include "service/commands/common.h"

namespace qmd::service {

SizeRequest parse_size_request(const std::string& text) {
  static const std::regex re(R"(^(\+)?(\d+(\.\d+)?)([KMGT])?$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) throw param_error("size", "value does not match the regex pattern");
  SizeRequest r;
  r.relative = m[1].matched;
  r.bytes = std::stold(m[2].str());
  if (m[4].matched) {
    const char unit = m[4].str()[0];
    const int shift = unit == 'K' ? 10 : unit == 'M' ? 20 : unit == 'G' ? 30 : 40;
    r.bytes *= static_cast<long double>(uint64_t{1} << shift);
  }
  return r;
}

uint64_t SizeRequest::apply_to(uint64_t current) const {
  const long double total = bytes + (relative ? static_cast<long double>(current) : 0.0L);
  if (total >= static_cast<long double>(std::numeric_limits<uint64_t>::max()))
    throw param_error("size", "value is too large");
  return static_cast<uint64_t>(total);
}

}  // namespace qmd::service
