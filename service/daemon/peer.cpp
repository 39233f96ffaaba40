#include "service/daemon/peer.h"

#include <pwd.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include <spdlog/spdlog.h>

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

bool may_speak_for_others(int64_t peer_uid, int64_t own_euid) { return peer_uid == 0 || peer_uid == own_euid; }

bool accept_on_behalf_of(Request& req, const Request::Actor& peer, int64_t own_euid) {
  req.actor = peer;
  if (!req.on_behalf_of) return false;
  const Request::Origin origin = *req.on_behalf_of;
  req.on_behalf_of.reset();
  if (!may_speak_for_others(peer.uid, own_euid)) {
    spdlog::warn("'{}' from {} (uid {}, pid {}) claims to be {} via node {}: ignored, the peer may not speak for others",
                 req.verb, peer.user, peer.uid, peer.pid, origin.actor.user, origin.node);
    return false;
  }
  req.actor = origin.actor;
  req.via = origin.node;
  return true;
}

}  // namespace qmd::service::daemon
