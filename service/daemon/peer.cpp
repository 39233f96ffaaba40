#include "service/daemon/peer.h"

#include <pwd.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace qmd::service::daemon {

std::optional<Request::Actor> peer_actor(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred) return std::nullopt;
  Request::Actor a;
  a.uid = cred.uid;
  a.pid = cred.pid;
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(4096);
  if (::getpwuid_r(cred.uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
    a.user = found->pw_name;
  } else {
    a.user = "uid" + std::to_string(cred.uid);
  }
  return a;
}

}  // namespace qmd::service::daemon
