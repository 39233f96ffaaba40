#include "config/formats/size.h"

#include <cmath>

namespace qmd::config {

std::optional<uint64_t> parse_size(std::string_view v) {
  size_t i = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
  if (i == 0) return std::nullopt;
  std::string_view int_part = v.substr(0, i);
  std::string_view frac_part;
  if (i < v.size() && v[i] == '.') {
    size_t j = ++i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
    if (i == j) return std::nullopt;
    frac_part = v.substr(j, i - j);
  }
  unsigned shift = 0;
  if (i < v.size()) {
    switch (v[i]) {
      case 'K': shift = 10; break;
      case 'M': shift = 20; break;
      case 'G': shift = 30; break;
      case 'T': shift = 40; break;
      default: return std::nullopt;
    }
    ++i;
    if (v.substr(i) == "iB") i += 2;
  }
  if (i != v.size()) return std::nullopt;
  if (frac_part.empty()) {
    // Exact integer arithmetic, like Perl's IV math when nothing overflows.
    uint64_t n = 0;
    for (char c : int_part) {
      if (n > (UINT64_MAX - 9) / 10) return std::nullopt;
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    if (shift && n > (UINT64_MAX >> shift)) return std::nullopt;
    return n << shift;
  }
  double d = std::strtod(std::string(v.substr(0, int_part.size() + 1 + frac_part.size())).c_str(), nullptr);
  d = std::ldexp(d, static_cast<int>(shift));
  if (!(d < 18446744073709551615.0)) return std::nullopt;
  return static_cast<uint64_t>(d);
}

std::string format_size(uint64_t size) {
  uint64_t kb = size / 1024;
  if (kb * 1024 != size) return std::to_string(size);
  uint64_t mb = kb / 1024;
  if (mb * 1024 != kb) return std::to_string(kb) + "K";
  uint64_t gb = mb / 1024;
  if (gb * 1024 != mb) return std::to_string(mb) + "M";
  uint64_t tb = gb / 1024;
  if (tb * 1024 != gb) return std::to_string(gb) + "G";
  return std::to_string(tb) + "T";
}

uint64_t parse_size_bytes(std::string_view text) { return parse_size(text).value_or(0); }

}  // namespace qmd::config
