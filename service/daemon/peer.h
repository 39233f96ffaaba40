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

// Whether a peer may speak for another user (a forwarded request's
// on_behalf_of): root, or the euid this qmd runs as — another qmd of the
// cluster (one host, one service user). Anyone else is taken as who the
// kernel says they are.
bool may_speak_for_others(int64_t peer_uid, int64_t own_euid);

// Sets req.actor to the peer and applies req.on_behalf_of: from a peer that
// may_speak_for_others, its actor becomes req.actor and its node req.via;
// from any other peer it is ignored (logged). on_behalf_of is cleared either
// way. Returns whether the claim was taken.
bool accept_on_behalf_of(Request& req, const Request::Actor& peer, int64_t own_euid);

}  // namespace qmd::service::daemon
