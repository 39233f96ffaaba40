// Line framing of a QMP byte stream. QEMU writes each message as one line of compact JSON
// ending in "\r\n"; reads may deliver a fraction of a line or several lines at once.
// Pure: no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qmd::qemu {

class QmpLineSplitter {
 public:
  // max_line: the longest line accepted (bytes, without the terminator); a peer that sends more
  // without a newline is broken or hostile, and feed() reports overflow instead of buffering.
  explicit QmpLineSplitter(std::size_t max_line = 16 * 1024 * 1024) : max_line_(max_line) {}

  // Appends bytes and returns the lines they complete, in order, without "\n" or a trailing
  // "\r"; blank lines are dropped. Returns false (and leaves `lines` with the lines completed
  // before the problem) when the unterminated remainder exceeds max_line; the splitter is then
  // unusable (overflowed() stays true).
  bool feed(std::string_view bytes, std::vector<std::string>& lines);

  bool overflowed() const { return overflowed_; }
  // Bytes received after the last complete line.
  std::size_t pending_bytes() const { return partial_.size(); }

 private:
  std::size_t max_line_;
  std::string partial_;
  bool overflowed_ = false;
};

}  // namespace qmd::qemu
