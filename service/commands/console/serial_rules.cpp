#include "service/commands/console/serial_rules.h"

#include <regex>

#include "service/request.h"

namespace qmd::service::console {

int parse_escape(const std::string& text) {
  static const std::regex caret(R"(\^([\x40-\x7a]))");
  static const std::regex hex("0[xX][0-9a-fA-F]+");
  static const std::regex dec("[0-9]+");
  std::smatch m;
  // Values are kept to one byte: a larger number could never be typed.
  auto byte = [&](unsigned long v) {
    if (v > 0xff) throw CommandError("invalid escape character definition: " + text);
    return static_cast<int>(v);
  };
  try {
    if (std::regex_match(text, m, caret)) return static_cast<unsigned char>(m[1].str()[0]) & 0x1f;
    if (std::regex_match(text, hex)) return byte(std::stoul(text.substr(2), nullptr, 16));
    if (std::regex_match(text, dec)) return byte(std::stoul(text));
  } catch (const std::out_of_range&) {
  }
  throw CommandError("invalid escape character definition: " + text);
}

std::string escape_hint(int escape) {
  if (escape == 0) return "";
  return std::string(" (press Ctrl+") + static_cast<char>(escape + 0x40) + " to exit)";
}

std::string pick_serial_iface(const config::Section& conf, const std::optional<std::string>& iface) {
  if (iface) {
    auto it = conf.find(*iface);
    if (it == conf.end() || it->second.empty()) throw CommandError("serial interface '" + *iface + "' is not configured");
    if (it->second != "socket") throw CommandError("wrong serial type on interface '" + *iface + "'");
    return *iface;
  }
  for (const char* key : {"serial0", "serial1", "serial2", "serial3"}) {
    auto it = conf.find(key);
    if (it != conf.end() && it->second == "socket") return key;
  }
  throw CommandError("unable to find a serial interface");
}

}  // namespace qmd::service::console
