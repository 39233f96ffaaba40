// Request and Reply: one qm command as parsed (the same shape travels over
// qmd's socket as JSON), and what it answers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace qmd::service {

struct Request {
  std::string verb;                                            // canonical verb name
  std::vector<std::string> args;                               // positional arguments, in order
  std::vector<std::pair<std::string, std::string>> options;   // --name value, in the order given;
                                                               // bare flags have value "1"
  std::string output_format = "text";                          // text | json | json-pretty
  std::string command_line;                                    // as typed, for the audit trail
  std::string correlation_id;                                  // shared by all events of this request

  // Who is acting, when not the process itself: set by qmd from the socket
  // peer's credentials (SO_PEERCRED). Never read from a client's JSON, so a
  // client cannot claim to be someone else.
  struct Actor {
    std::string user;
    int64_t uid = -1;
    int64_t pid = 0;
    bool operator==(const Actor&) const = default;
  };
  std::optional<Actor> actor;

  // A request forwarded by another node's qmd (cluster/forward.h): the user
  // who typed the command there, and that node. Travels in the request line
  // as "on_behalf_of" {user, uid, pid, node}; the receiving qmd believes it
  // only from a trusted peer (daemon/peer.h: accept_on_behalf_of), which then
  // makes it the actor and sets `via`; otherwise it is dropped.
  struct Origin {
    Actor actor;
    std::string node;
    bool operator==(const Origin&) const = default;
  };
  std::optional<Origin> on_behalf_of;
  // The node that forwarded this request here ("" = asked on this node):
  // recorded as the events' meta "via". Never read from a request line.
  std::string via;

  // Last value of an option, if given.
  std::optional<std::string> opt(const std::string& name) const;
  bool has(const std::string& name) const { return opt(name).has_value(); }
  // Every value of a (repeatable) option, in order.
  std::vector<std::string> all(const std::string& name) const;

  nlohmann::json to_json() const;
  static Request from_json(const nlohmann::json& j);  // throws std::runtime_error naming the bad member
};

struct Reply {
  int exit_code = 0;
  std::string out;   // for stdout
  std::string err;   // for stderr (messages end with '\n')

  static Reply ok(std::string out = {}) { return Reply{0, std::move(out), {}}; }
  static Reply fail(std::string message, int code = 255) {
    if (!message.empty() && message.back() != '\n') message += '\n';
    return Reply{code, {}, std::move(message)};
  }
};

// The error type of command handlers: its message is shown to the user as is.
class CommandError : public std::runtime_error {
 public:
  explicit CommandError(const std::string& message, int exit_code = 255)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

}  // namespace qmd::service
