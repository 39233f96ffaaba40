#include "service/autoballoon/host_memory.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace qmd::autoballoon {

HostFigures parse_meminfo(std::string_view text) {
  std::map<std::string, std::int64_t, std::less<>> kb;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon);
    if (key != "MemTotal" && key != "MemAvailable" && key != "MemFree" && key != "Buffers" && key != "Cached") continue;
    std::istringstream v(line.substr(colon + 1));
    long long n = 0;
    if (!(v >> n) || n < 0) throw std::runtime_error("invalid " + key + " line '" + line + "'");
    kb[key] = n;
  }
  auto get = [&](const char* k) -> std::int64_t {
    auto it = kb.find(k);
    return it == kb.end() ? 0 : it->second;
  };
  if (!kb.count("MemTotal")) throw std::runtime_error("no MemTotal");
  HostFigures f;
  f.memtotal = get("MemTotal") * 1024;
  if (kb.count("MemAvailable")) {
    f.memused = (get("MemTotal") - get("MemAvailable")) * 1024;
  } else if (kb.count("MemFree")) {
    f.memused = (get("MemTotal") - get("MemFree") - get("Buffers") - get("Cached")) * 1024;
  } else {
    throw std::runtime_error("no MemAvailable or MemFree");
  }
  return f;
}

MeminfoFile::MeminfoFile(std::string path) : path_(std::move(path)) {}

HostFigures MeminfoFile::read() {
  std::ifstream in(path_);
  if (!in) throw std::runtime_error(path_ + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parse_meminfo(text.str());
  } catch (const std::exception& e) {
    throw std::runtime_error(path_ + ": " + e.what());
  }
}

}  // namespace qmd::autoballoon
