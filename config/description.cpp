#include "config/description.h"

#include <vector>

namespace qmd::config {
namespace {

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid.
size_t utf8_len(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

}  // namespace

std::string encode_description_line(std::string_view line) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : line) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == '%' || c == ':' || c >= 0x7F) {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string decode_description_line(std::string_view text) {
  std::string raw;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hexval(text[i + 1]) >= 0 && hexval(text[i + 2]) >= 0) {
      raw += static_cast<char>(hexval(text[i + 1]) * 16 + hexval(text[i + 2]));
      i += 2;
    } else {
      raw += text[i];
    }
  }
  std::string out;
  for (size_t i = 0; i < raw.size();) {
    size_t n = utf8_len(raw, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(raw, i, n);
      i += n;
    }
  }
  return out;
}

std::string encode_description(std::string_view description, bool pending) {
  if (description.empty() || description == "0") return pending ? "#\n" : "";
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (true) {
    size_t nl = description.find('\n', start);
    lines.push_back(description.substr(start, nl == description.npos ? description.npos : nl - start));
    if (nl == description.npos) break;
    start = nl + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string out;
  for (auto l : lines) out += "#" + encode_description_line(l) + "\n";
  return out;
}

std::string trim_trailing_space(std::string_view text) {
  static const std::string_view uspaces[] = {
      "\xC2\x85", "\xC2\xA0", "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82",
      "\xE2\x80\x83", "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88",
      "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F",
      "\xE3\x80\x80"};
  bool changed = true;
  while (changed && !text.empty()) {
    changed = false;
    char c = text.back();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      text.remove_suffix(1);
      changed = true;
      continue;
    }
    for (auto u : uspaces)
      if (text.ends_with(u)) {
        text.remove_suffix(u.size());
        changed = true;
        break;
      }
  }
  return std::string(text);
}

}  // namespace qmd::config
