#include "service/commands/console/monitor.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <regex>

#include "service/client/qmd_client.h"
#include "service/commands/common.h"
#include "service/commands/console/hmp.h"
#include "service/protocol/socket_path.h"
#include "service/runtime/runtime.h"

namespace qmd::service {

namespace {

void say(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fflush(stdout);
}

// One line of the interactive monitor, as qmd answers it.
Reply ask_qmd(App& app, const Request& session, const std::string& line) {
  Request one;
  one.verb = "monitor";
  one.args = session.args;
  one.options = {{"command", line}};
  one.command_line = "qm monitor " + session.args.at(0) + " --command " + line;
  const std::string sock = protocol::socket_path(app.env().data_dir);
  if (auto r = client::call(sock, one)) return *r;
  return Reply::fail(runtime::qmd_not_running_message(sock, app.env().data_dir));
}

Reply interactive(App& app, const Request& req) {
  if (app.runtime() != nullptr)
    throw CommandError("qm monitor without --command is interactive: run it with qm, not through qmd's socket");
  const int64_t vmid = parse_vmid(req.args.at(0));
  load_existing(app, vmid);
  say("Entering QEMU Monitor for VM " + std::to_string(vmid) + " - type 'help' for help\n");
  static const std::regex blank(R"(\s*)");
  static const std::regex quit(R"(\s*q(uit)?\s*)");
  std::string line;
  for (;;) {
    say("qm> ");
    if (!std::getline(std::cin, line)) break;
    if (std::regex_match(line, blank)) continue;
    if (std::regex_match(line, quit)) break;
    const Reply r = ask_qmd(app, req, line);
    if (r.exit_code == 0) {
      say(r.out);
    } else {
      say("ERROR: " + r.err);
    }
  }
  // Leaves the user's prompt on a line of its own after Ctrl+D.
  if (::isatty(STDIN_FILENO) == 1 && std::cin.eof()) say("\n");
  return Reply::ok();
}

}  // namespace

bool monitor_is_interactive(const Request& req) { return !req.has("command"); }

Reply run_monitor(App& app, const Request& req) {
  if (monitor_is_interactive(req)) return interactive(app, req);
  const int64_t vmid = parse_vmid(req.args.at(0));
  load_existing(app, vmid);
  return Reply::ok(console::hmp(app, vmid, *req.opt("command")));
}

}  // namespace qmd::service
