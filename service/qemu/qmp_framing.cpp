#include "service/qemu/qmp_framing.h"

namespace qmd::qemu {

namespace {

void push_line(std::string line, std::vector<std::string>& lines) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.find_first_not_of(" \t\r") == std::string::npos) return;
  lines.push_back(std::move(line));
}

}  // namespace

bool QmpLineSplitter::feed(std::string_view bytes, std::vector<std::string>& lines) {
  if (overflowed_) return false;
  std::size_t start = 0;
  while (start < bytes.size()) {
    std::size_t nl = bytes.find('\n', start);
    if (nl == std::string_view::npos) {
      partial_.append(bytes.substr(start));
      break;
    }
    partial_.append(bytes.substr(start, nl - start));
    push_line(std::move(partial_), lines);
    partial_.clear();
    start = nl + 1;
  }
  if (partial_.size() > max_line_) {
    overflowed_ = true;
    partial_.clear();
    return false;
  }
  return true;
}

}  // namespace qmd::qemu
