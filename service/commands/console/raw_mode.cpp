#include "service/commands/console/raw_mode.h"

#include <unistd.h>

namespace qmd::service::console {

RawMode::RawMode(int fd) : fd_(fd) {
  if (::isatty(fd_) != 1 || ::tcgetattr(fd_, &saved_) != 0) return;
  termios raw = saved_;
  ::cfmakeraw(&raw);
  active_ = ::tcsetattr(fd_, TCSANOW, &raw) == 0;
}

RawMode::~RawMode() {
  // TCSADRAIN: what the guest sent last is on the screen before the shell's prompt.
  if (active_) ::tcsetattr(fd_, TCSADRAIN, &saved_);
}

}  // namespace qmd::service::console
