#include "service/client/qmd_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "service/protocol/lines.h"

namespace qmd::service::client {

namespace {

// A connected socket to socket_path, or -1 when nothing answers there.
int connect_to(const std::string& socket_path) {
  sockaddr_un addr{};
  if (socket_path.size() >= sizeof addr.sun_path) return -1;
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::optional<Connection> Connection::open(const std::string& socket_path) {
  const int fd = connect_to(socket_path);
  if (fd < 0) return std::nullopt;
  return Connection(fd, socket_path);
}

Connection::Connection(Connection&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)), in_(std::move(o.in_)) {
  o.fd_ = -1;
}

Connection& Connection::operator=(Connection&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    in_ = std::move(o.in_);
    o.fd_ = -1;
  }
  return *this;
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

std::runtime_error Connection::lost(const std::string& what) const {
  return std::runtime_error("lost the connection to qmd (" + path_ + "): " + what);
}

void Connection::write(std::string_view bytes) {
  for (std::size_t off = 0; off < bytes.size();) {
    const ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw lost(std::strerror(errno));
    off += static_cast<std::size_t>(n);
  }
}

void Connection::half_close() { ::shutdown(fd_, SHUT_WR); }

std::optional<std::string> Connection::read_line(int timeout_ms) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  char buf[65536];
  for (;;) {
    if (auto nl = in_.find('\n'); nl != std::string::npos) {
      std::string line = in_.substr(0, nl);
      in_.erase(0, nl + 1);
      return line;
    }
    if (timeout_ms >= 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
      if (left <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(left));
      if (r < 0 && errno != EINTR) throw lost(std::strerror(errno));
      if (r <= 0) continue;
    }
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw lost(std::strerror(errno));
    if (n == 0) throw lost("no reply (qmd stopped?)");
    in_.append(buf, static_cast<std::size_t>(n));
  }
}

bool listening(const std::string& socket_path) {
  const int fd = connect_to(socket_path);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

std::optional<Reply> call(const std::string& socket_path, const Request& req, const CallOptions& options) {
  auto conn = Connection::open(socket_path);
  if (!conn) return std::nullopt;
  conn->write(protocol::request_line(req, options.progress != nullptr));
  for (;;) {
    auto line = conn->read_line(options.line_timeout_ms);
    if (!line)
      throw std::runtime_error("no reply from qmd (" + socket_path + ") within " +
                               std::to_string(options.line_timeout_ms) + " ms");
    auto got = protocol::parse_server_line(*line);
    if (auto* reply = std::get_if<Reply>(&got)) return std::move(*reply);
    const auto& p = std::get<protocol::Progress>(got);
    if (options.progress) options.progress(p.stream, p.text);
  }
}

}  // namespace qmd::service::client
