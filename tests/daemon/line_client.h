// A raw client of qmd's socket for tests: sends request lines as a third-party
// client would (no qm in between) and reads the answer line by line as it
// arrives, each stamped with its arrival time, so tests can tell lines sent
// while a command runs from lines sent at its end.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace qmd::testing {

// A connected stream socket to the unix socket at path; throws
// std::runtime_error when nothing answers there.
inline int connect_unix(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot connect to " + path);
  }
  return fd;
}

struct ArrivedLine {
  nlohmann::json json;
  std::chrono::steady_clock::time_point at;
};

class LineClient {
 public:
  // Connects to the unix socket at path; throws std::runtime_error when nothing answers.
  explicit LineClient(const std::string& path) : fd_(connect_unix(path)) {}
  ~LineClient() { close(); }
  LineClient(const LineClient&) = delete;
  LineClient& operator=(const LineClient&) = delete;

  // Sends j as one line; throws when the socket refuses it.
  void send(const nlohmann::json& j) {
    const std::string line = j.dump() + "\n";
    for (std::size_t off = 0; off < line.size();) {
      const ssize_t n = ::send(fd_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      off += static_cast<std::size_t>(n);
    }
  }

  // The next line (parsed) with the time it was read; nullopt when nothing
  // complete came within timeout_ms or qmd closed the connection.
  std::optional<ArrivedLine> next(int timeout_ms = 120000) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      if (auto nl = in_.find('\n'); nl != std::string::npos) {
        ArrivedLine l{nlohmann::json::parse(in_.substr(0, nl)), std::chrono::steady_clock::now()};
        in_.erase(0, nl + 1);
        return l;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0 || fd_ < 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return std::nullopt;
      in_.append(buf, static_cast<std::size_t>(n));
    }
  }

  // Hangs up (a client going away mid-request).
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  std::string in_;
};

}  // namespace qmd::testing
