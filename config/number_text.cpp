#include "config/number_text.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace qmd::config {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

std::size_t digits_at(std::string_view v, std::size_t i) {
  std::size_t n = 0;
  while (i + n < v.size() && digit(v[i + n])) ++n;
  return n;
}

// Proxmox's .conf reader form ^\d+(\.\d+)?$, kept byte for byte.
bool reader_form(std::string_view v) {
  const std::size_t int_len = digits_at(v, 0);
  if (int_len == 0) return false;
  if (int_len == v.size()) return true;
  return v[int_len] == '.' && int_len + 1 < v.size() && digits_at(v, int_len + 1) == v.size() - int_len - 1;
}

}  // namespace

std::optional<std::string> canonical_number(std::string_view text) {
  if (reader_form(text)) return std::string(text);
  std::string_view v = text;
  bool negative = false;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) negative = v[0] == '-', v.remove_prefix(1);
  const std::size_t int_len = digits_at(v, 0);
  std::size_t i = int_len, frac_len = 0;
  if (i < v.size() && v[i] == '.') frac_len = digits_at(v, ++i), i += frac_len;
  if (int_len + frac_len == 0) return std::nullopt;
  long long exponent = 0;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) exp_negative = v[i++] == '-';
    const std::size_t exp_len = digits_at(v, i);
    if (exp_len == 0) return std::nullopt;
    for (std::size_t k = 0; k < exp_len; ++k) {
      exponent = exponent * 10 + (v[i + k] - '0');
      if (exponent > 100000) exponent = 100000;  // far beyond any usable value
    }
    if (exp_negative) exponent = -exponent;
    i += exp_len;
  }
  if (i != v.size()) return std::nullopt;

  // All digits, and where the decimal point falls among them.
  std::string digits(v.substr(0, int_len));
  if (frac_len) digits += v.substr(int_len + 1, frac_len);
  long long point = static_cast<long long>(int_len) + exponent;
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return std::string("0");
  const std::size_t last = digits.find_last_not_of('0');
  point -= static_cast<long long>(first);
  digits = digits.substr(first, last - first + 1);

  std::string out;
  if (point <= 0) {
    out = "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  } else if (point >= static_cast<long long>(digits.size())) {
    out = digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0');
  } else {
    out = digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
  }
  if (out.size() - (out.find('.') != std::string::npos ? 1 : 0) > kMaxNumberDigits) return std::nullopt;
  errno = 0;
  const double d = std::strtod(out.c_str(), nullptr);
  if (!std::isfinite(d) || errno == ERANGE) return std::nullopt;
  return negative ? "-" + out : out;
}

std::optional<std::string> canonical_integer(std::string_view text) {
  std::string_view v = text;
  bool negative = false;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) negative = v[0] == '-', v.remove_prefix(1);
  if (v.empty() || digits_at(v, 0) != v.size()) return std::nullopt;
  const std::size_t first = v.find_first_not_of('0');
  if (first == std::string_view::npos) return std::string("0");
  std::string out(v.substr(first));
  // int64: 9223372036854775807 positive, one more negative.
  const std::string limit = negative ? "9223372036854775808" : "9223372036854775807";
  if (out.size() > limit.size() || (out.size() == limit.size() && out > limit)) return std::nullopt;
  return negative ? "-" + out : out;
}

}  // namespace qmd::config
