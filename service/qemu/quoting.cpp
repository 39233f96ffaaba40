// Shell quoting of showcmd output (spec §10).
#include "service/qemu/cmdline.h"

namespace qmd::qemu {

namespace {
bool is_plain(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_': case '!': case '%': case '+': case ',': case '-': case '.': case '/': case ':':
    case '@': case '^':
      return true;
    default:
      return false;
  }
}
}  // namespace

std::string shell_quote(const std::string& arg) {
  bool plain = !arg.empty();
  for (char c : arg) plain = plain && is_plain(c);
  if (plain) return arg;
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string format_command_line(const std::vector<std::string>& argv, bool pretty) {
  std::string line;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (i > 0) line += ' ';
    line += shell_quote(argv[i]);
  }
  if (!pretty) return line;
  std::string out;
  out.reserve(line.size() + argv.size() * 4);
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == ' ' && i + 1 < line.size() && line[i + 1] == '-') {
      out += " \\\n  ";
    } else {
      out += line[i];
    }
  }
  return out;
}

}  // namespace qmd::qemu
