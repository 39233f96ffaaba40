#include "service/commands/console/relay.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace qmd::service::console {

namespace {

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// After the user's input ended: what the peer still sends within 500 ms (socat's -t).
RelayEnd drain(int out_fd, int peer_fd) {
  ::shutdown(peer_fd, SHUT_WR);
  char buf[4096];
  for (;;) {
    pollfd p{peer_fd, POLLIN, 0};
    const int r = ::poll(&p, 1, 500);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return RelayEnd::kInputEnd;
    const ssize_t n = ::read(peer_fd, buf, sizeof buf);
    if (n <= 0 || !write_all(out_fd, buf, static_cast<size_t>(n))) return RelayEnd::kInputEnd;
  }
}

}  // namespace

RelayEnd relay(int in_fd, int out_fd, int peer_fd, int escape, int idle_timeout_ms) {
  char buf[4096];
  for (;;) {
    pollfd p[2] = {{in_fd, POLLIN, 0}, {peer_fd, POLLIN, 0}};
    const int r = ::poll(p, 2, idle_timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return RelayEnd::kError;
    if (r == 0) return RelayEnd::kPeerEnd;
    if (p[1].revents != 0) {
      const ssize_t n = ::read(peer_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return n == 0 || errno == ECONNRESET ? RelayEnd::kPeerEnd : RelayEnd::kError;
      if (!write_all(out_fd, buf, static_cast<size_t>(n))) return RelayEnd::kError;
    }
    if (p[0].revents != 0) {
      const ssize_t n = ::read(in_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return RelayEnd::kError;
      if (n == 0) return drain(out_fd, peer_fd);
      size_t len = static_cast<size_t>(n);
      const void* esc = escape != 0 ? std::memchr(buf, escape, len) : nullptr;
      if (esc != nullptr) len = static_cast<size_t>(static_cast<const char*>(esc) - buf);
      if (len > 0 && !write_all(peer_fd, buf, len)) return RelayEnd::kPeerEnd;
      if (esc != nullptr) return RelayEnd::kEscape;
    }
  }
}

}  // namespace qmd::service::console
