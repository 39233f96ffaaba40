// A Request's form on qmd's socket (docs/qmd-protocol.md): the JSON object of
// a request line, as both ends read and write it. Pure, no I/O.
#pragma once

#include <nlohmann/json.hpp>

#include "service/request.h"

namespace qmd::service::protocol {

// The request's wire members: verb, args, options, output_format,
// command_line, correlation_id; `progress`, `tty` and `on_behalf_of` only when
// set. Never the actor, `via` or the live sink: those are the receiver's.
nlohmann::json request_to_json(const Request& r);

// The Request of a request line's object. Throws std::runtime_error naming the
// member that is missing or of the wrong type. The actor is never read.
Request request_from_json(const nlohmann::json& j);

}  // namespace qmd::service::protocol
