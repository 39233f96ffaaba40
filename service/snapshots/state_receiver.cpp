#include "service/snapshots/state_receiver.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace qmd::service::snapshots {

namespace {
constexpr int kPollMs = 100;  // how soon an abandoned receiver notices
std::string errno_text() { return std::strerror(errno); }
}  // namespace

StateReceiver::StateReceiver(std::string socket_path, std::string file_path)
    : socket_path_(std::move(socket_path)), file_path_(std::move(file_path)) {
  sockaddr_un a{};
  if (socket_path_.size() >= sizeof a.sun_path) throw std::runtime_error("socket path too long: " + socket_path_);
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, socket_path_.c_str(), sizeof a.sun_path - 1);
  ::unlink(socket_path_.c_str());
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(listen_fd_, 1) != 0) {
    const std::string why = errno_text();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    throw std::runtime_error("cannot listen on '" + socket_path_ + "': " + why);
  }
  thread_ = std::thread([this] { run(); });
}

StateReceiver::~StateReceiver() {
  abort_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
  ::unlink(socket_path_.c_str());
}

std::string StateReceiver::finish() {
  if (thread_.joinable()) thread_.join();
  return done_ ? error_ : "the state stream did not end";
}

void StateReceiver::run() {
  int conn = -1;
  while (!abort_ && conn < 0) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kPollMs) > 0) conn = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  }
  if (conn < 0) return;
  const int out = ::open(file_path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (out < 0) {
    error_ = "cannot open '" + file_path_ + "': " + errno_text();
    ::close(conn);
    done_ = true;
    return;
  }
  std::vector<char> buf(1 << 20);
  while (!abort_) {
    pollfd p{conn, POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    const ssize_t n = ::read(conn, buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      error_ = "reading the state stream: " + errno_text();
      break;
    }
    for (ssize_t off = 0; off < n;) {
      const ssize_t w = ::write(out, buf.data() + off, static_cast<size_t>(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        error_ = "writing '" + file_path_ + "': " + errno_text();
        break;
      }
      off += w;
    }
    if (!error_.empty()) break;
  }
  if (error_.empty() && !abort_ && ::fsync(out) != 0) error_ = "syncing '" + file_path_ + "': " + errno_text();
  ::close(out);
  ::close(conn);
  done_ = !abort_;
}

}  // namespace qmd::service::snapshots
