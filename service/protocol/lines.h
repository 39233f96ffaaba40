// The qmd socket protocol (docs/qmd-protocol.md), one definition for both
// ends: one JSON object per line in each direction. Request line =
// request_to_json() (request_json.h); reply line =
// {"exit_code": N, "out": "...", "err": "..."}; before it, for a request with
// "progress": true, any number of progress lines
// {"progress": {"stream": "out"|"err", "text": "..."}}. Pure functions, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "service/request.h"

namespace qmd::service::protocol {

// Longest request line accepted (without its '\n'). A longer one gets an error
// reply and the connection is closed.
inline constexpr std::size_t kMaxRequestLine = 1024 * 1024;

// Most bytes of replies and progress lines queued for one connection that the
// client has not read yet. Beyond it qmd stops reading that client's requests
// (and starts no new one of it) until the queue drains, and drops its progress
// lines; replies are never dropped.
inline constexpr std::size_t kMaxQueuedOutput = 4 * 1024 * 1024;

// The request line of `req` for its server, '\n'-terminated; `progress` says
// whether the client takes progress lines before the reply (it overrides
// req.progress). Invalid UTF-8 is replaced, never thrown on.
std::string request_line(const Request& req, bool progress);

// A parsed request line: the Request, or the error Reply to send instead
// (exit code 255, message naming what is wrong). Never throws. The actor is
// never taken from the line: the server sets it from the peer's credentials.
std::variant<Request, Reply> parse_request_line(std::string_view line);

// The reply line, '\n'-terminated. Invalid UTF-8 in out/err is replaced, never thrown on.
std::string reply_line(const Reply& r);

// A progress line, '\n'-terminated. Invalid UTF-8 in text is replaced, never thrown on.
std::string progress_line(OutStream stream, const std::string& text);

// The reply for a line longer than kMaxRequestLine.
Reply oversized_request_reply();

// Client side: the Reply of a reply line. Throws std::runtime_error naming the problem.
Reply parse_reply_line(std::string_view line);

// Client side: a line from qmd, either a progress line or the final reply.
// Throws std::runtime_error naming the problem ("invalid reply from qmd: ...").
struct Progress {
  OutStream stream = OutStream::out;
  std::string text;
};
std::variant<Progress, Reply> parse_server_line(std::string_view line);

}  // namespace qmd::service::protocol
