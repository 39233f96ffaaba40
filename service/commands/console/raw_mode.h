// A terminal put into raw mode for the life of the object (as socat's
// `STDIO,raw,echo=0`): keys go through one by one, unechoed, Ctrl+C included.
// The settings found are restored on destruction, also when the relay ended by
// an error. A descriptor that is not a terminal is left alone.
#pragma once

#include <termios.h>

namespace qmd::service::console {

class RawMode {
 public:
  explicit RawMode(int fd);
  ~RawMode();
  RawMode(const RawMode&) = delete;
  RawMode& operator=(const RawMode&) = delete;

 private:
  int fd_;
  bool active_ = false;
  termios saved_{};
};

}  // namespace qmd::service::console
