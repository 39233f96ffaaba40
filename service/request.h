// Request and Reply: one qm command as parsed, and what it answers. The same
// shape travels over qmd's socket (service/protocol/: request_json.h, lines.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qmd::service {

// The user's stream a piece of live output is for.
enum class OutStream { out, err };

// Takes a running command's live output (whole lines, or a terminal's `\r`
// redraws) for the user, in order. Callable from any thread; never throws.
using LiveSink = std::function<void(OutStream, const std::string& text)>;

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

  // On the wire, optional (docs/qmd-protocol.md): `progress` — the client
  // takes progress lines before the reply; `tty` — the user's stderr is a
  // terminal (qmd cannot see the user's terminal, so the client says so).
  bool progress = false;
  bool tty = false;

  // Not on the wire: where live output goes while the command runs. qm sets
  // it for an in-process run (its own stdout/stderr), qmd for a client that
  // asked for progress. Empty: all output waits for the Reply.
  LiveSink live;

  // With a live sink: hands `pending` (the command's stdout so far) to the
  // user now and clears it, so that progress shown next comes after it and no
  // line reaches the user twice; the Reply then carries only the rest.
  // Without one: leaves `pending` for the Reply.
  void flush_live(std::string& pending) const;
  // Whether progress meant for a person watching (copy percentages) is to be
  // shown: the user's stderr is a terminal and live output reaches it.
  bool shows_terminal_progress() const { return tty && live != nullptr; }

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

  // For a request from a client that did not hide them (qm does,
  // cli/secret_options.h): when the cleartext of a secret option appears in
  // command_line, command_line becomes `qm <verb> <args> --<name> <value>...`
  // with config::kHiddenValue for each secret. qmd calls it on receipt,
  // before anything logs or records the request.
  void hide_secrets();
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
