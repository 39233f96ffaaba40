// A small event-driven JSON reader for the replay hot path: it drives a
// handler with the calls of nlohmann's SAX interface (null, boolean,
// number_integer, number_unsigned, number_float, string, key, start_object,
// end_object, start_array, end_array, parse_error) without its per-character
// input adapter, so a payload of ~100 bytes is scanned in a fraction of the
// time. Strict RFC 8259 JSON (what nlohmann::json::dump writes, and more);
// anything else is a parse error. Depth is limited to 64.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace qmd::projections {

// Drives `h` over `text`. Returns false when the handler returned false or the
// text is not a single JSON value (then h.parse_error(pos, token, why) was
// called with a message; `why` is a plain string here).
template <class Handler>
bool read_json_events(std::string_view text, Handler& h);

namespace json_detail {

struct Reader {
  std::string_view s;
  size_t i = 0;
  std::string buf;
  std::string error;
  int depth = 0;

  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  }
  bool fail(const char* why) {
    if (error.empty()) error = std::string(why) + " at byte " + std::to_string(i);
    return false;
  }
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool hex4(uint32_t& out) {
    if (i + 4 > s.size()) return fail("truncated \\u escape");
    out = 0;
    for (int k = 0; k < 4; ++k) {
      const int d = hex(s[i++]);
      if (d < 0) return fail("invalid \\u escape");
      out = out * 16 + static_cast<uint32_t>(d);
    }
    return true;
  }
  void utf8(uint32_t cp) {
    if (cp < 0x80) {
      buf += static_cast<char>(cp);
    } else if (cp < 0x800) {
      buf += static_cast<char>(0xC0 | (cp >> 6));
      buf += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      buf += static_cast<char>(0xE0 | (cp >> 12));
      buf += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      buf += static_cast<char>(0xF0 | (cp >> 18));
      buf += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      buf += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  // Reads a string (the opening quote at s[i]) into buf.
  bool string() {
    ++i;
    buf.clear();
    for (;;) {
      const size_t start = i;
      while (i < s.size() && s[i] != '"' && s[i] != '\\' && static_cast<unsigned char>(s[i]) >= 0x20) ++i;
      buf.append(s.data() + start, i - start);
      if (i >= s.size()) return fail("unterminated string");
      const char c = s[i];
      if (c == '"') {
        ++i;
        return true;
      }
      if (c != '\\') return fail("control character in string");
      if (++i >= s.size()) return fail("unterminated string");
      switch (s[i++]) {
        case '"': buf += '"'; break;
        case '\\': buf += '\\'; break;
        case '/': buf += '/'; break;
        case 'b': buf += '\b'; break;
        case 'f': buf += '\f'; break;
        case 'n': buf += '\n'; break;
        case 'r': buf += '\r'; break;
        case 't': buf += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo = 0;
            if (i + 2 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return fail("lone surrogate");
            i += 2;
            if (!hex4(lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return fail("lone surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("lone surrogate");
          }
          utf8(cp);
          break;
        }
        default:
          return fail("invalid escape");
      }
    }
  }
  bool literal(std::string_view word) {
    if (s.substr(i, word.size()) != word) return fail("invalid literal");
    i += word.size();
    return true;
  }

  template <class H>
  bool number(H& h) {
    const size_t start = i;
    bool negative = false;
    if (s[i] == '-') {
      negative = true;
      ++i;
    }
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return fail("invalid number");
    if (s[i] == '0' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') return fail("leading zero");
    uint64_t v = 0;
    bool overflow = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      const uint64_t d = static_cast<uint64_t>(s[i++] - '0');
      if (v > (UINT64_MAX - d) / 10) overflow = true;
      v = v * 10 + d;
    }
    bool is_float = overflow;
    if (i < s.size() && s[i] == '.') {
      ++i;
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return fail("invalid number");
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      is_float = true;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return fail("invalid number");
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      is_float = true;
    }
    if (!is_float && negative && v > static_cast<uint64_t>(INT64_MAX) + 1) is_float = true;
    if (is_float) {
      std::string text(s.substr(start, i - start));
      return h.number_float(std::strtod(text.c_str(), nullptr), text);
    }
    if (negative) return h.number_integer(static_cast<int64_t>(0 - v));
    return h.number_unsigned(v);
  }

  template <class H>
  bool value(H& h) {
    ws();
    if (i >= s.size()) return fail("unexpected end of input");
    switch (s[i]) {
      case '{': {
        if (++depth > 64) return fail("nesting too deep");
        ++i;
        if (!h.start_object(static_cast<size_t>(-1))) return false;
        ws();
        if (i < s.size() && s[i] == '}') {
          ++i;
          --depth;
          return h.end_object();
        }
        for (;;) {
          ws();
          if (i >= s.size() || s[i] != '"') return fail("expected a member name");
          if (!string() || !h.key(buf)) return false;
          ws();
          if (i >= s.size() || s[i] != ':') return fail("expected ':'");
          ++i;
          if (!value(h)) return false;
          ws();
          if (i < s.size() && s[i] == ',') {
            ++i;
            continue;
          }
          if (i < s.size() && s[i] == '}') {
            ++i;
            --depth;
            return h.end_object();
          }
          return fail("expected ',' or '}'");
        }
      }
      case '[': {
        if (++depth > 64) return fail("nesting too deep");
        ++i;
        if (!h.start_array(static_cast<size_t>(-1))) return false;
        ws();
        if (i < s.size() && s[i] == ']') {
          ++i;
          --depth;
          return h.end_array();
        }
        for (;;) {
          if (!value(h)) return false;
          ws();
          if (i < s.size() && s[i] == ',') {
            ++i;
            continue;
          }
          if (i < s.size() && s[i] == ']') {
            ++i;
            --depth;
            return h.end_array();
          }
          return fail("expected ',' or ']'");
        }
      }
      case '"':
        return string() && h.string(buf);
      case 't':
        return literal("true") && h.boolean(true);
      case 'f':
        return literal("false") && h.boolean(false);
      case 'n':
        return literal("null") && h.null();
      default:
        return number(h);
    }
  }
};

}  // namespace json_detail

template <class Handler>
bool read_json_events(std::string_view text, Handler& h) {
  json_detail::Reader r;
  r.s = text;
  bool ok = r.value(h);
  if (ok) {
    r.ws();
    if (r.i != text.size()) ok = r.fail("trailing characters");
  }
  if (!ok && !r.error.empty()) h.parse_error(r.i, r.error);
  return ok;
}

}  // namespace qmd::projections
