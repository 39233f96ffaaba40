// Who is on the other end of a unix socket: SO_PEERCRED, the kernel's word,
// so a client cannot claim to be someone else.
#pragma once

#include <optional>

#include "service/request.h"

namespace qmd::service::daemon {

// The peer of connected unix socket `fd` as an actor (user name from
// getpwuid, "uid<N>" when the uid has no passwd entry); nullopt when the
// kernel does not say.
std::optional<Request::Actor> peer_actor(int fd);

}  // namespace qmd::service::daemon
