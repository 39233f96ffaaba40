#include "service/cli/qmd_client.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "service/daemon/protocol.h"

namespace qmd::service {

std::string qmd_socket_path(const std::string& data_dir) { return data_dir + "/run/qmd.sock"; }

bool qmd_listening(const std::string& socket_path) {
  sockaddr_un addr{};
  if (socket_path.size() >= sizeof addr.sun_path) return false;
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::optional<Reply> send_to_qmd(const std::string& socket_path, const Request& req, const LiveSink& progress) {
  sockaddr_un addr{};
  if (socket_path.size() >= sizeof addr.sun_path) return std::nullopt;
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  auto lost = [&](const std::string& what) {
    return std::runtime_error("lost the connection to qmd (" + socket_path + "): " + what);
  };
  Request wire = req;
  wire.progress = progress != nullptr;
  const std::string line = wire.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  for (std::size_t off = 0; off < line.size();) {
    const ssize_t n = ::send(fd, line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw lost(std::strerror(errno));
    off += static_cast<std::size_t>(n);
  }
  std::string in;
  char buf[65536];
  for (;;) {
    for (auto nl = in.find('\n'); nl != std::string::npos; nl = in.find('\n')) {
      auto got = daemon::parse_server_line(std::string_view(in).substr(0, nl));
      if (auto* reply = std::get_if<Reply>(&got)) return std::move(*reply);
      in.erase(0, nl + 1);
      auto& p = std::get<daemon::Progress>(got);
      if (progress) progress(p.stream, p.text);
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw lost(std::strerror(errno));
    if (n == 0) throw lost("no reply (qmd stopped?)");
    in.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace qmd::service
