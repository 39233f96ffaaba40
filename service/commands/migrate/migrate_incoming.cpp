#include "service/commands/migrate/migrate_incoming.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "service/commands/common.h"
#include "service/commands/status/start.h"
#include "service/runtime/verb_support.h"

namespace qmd::service {

namespace {
constexpr const char* kListens = "migration listens on ";

// A port nothing listens on now (the kernel's choice for port 0). QEMU binds
// it a moment later; another process taking it meanwhile makes the start fail.
int free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw CommandError("cannot find a free port for the migration");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  ::close(fd);
  if (!ok) throw CommandError("cannot find a free port for the migration");
  return ntohs(a.sin_port);
}
}  // namespace

std::string incoming_uri_of(const std::string& out) {
  const auto at = out.find(kListens);
  if (at == std::string::npos) return "";
  const auto start = at + std::string(kListens).size();
  return out.substr(start, out.find('\n', start) - start);
}

Reply start_incoming(App& app, const Request& req, int64_t vmid) {
  auto& rt = runtime::require_runtime(app);
  const std::string from = req.opt("migratedfrom").value_or("");
  const std::string stateuri = req.opt("stateuri").value_or("tcp");
  if (stateuri != "tcp") throw param_error("stateuri", "only 'tcp' is supported by qmd");
  const auto s = load_existing(app, vmid);
  const std::string id = std::to_string(vmid);
  if (s.node != from) throw CommandError("VM " + id + " is not on node '" + from + "'");
  if (s.lock() != "migrate") throw CommandError("VM " + id + " is not being migrated");
  if (rt.status(vmid, false).status == "running") throw CommandError("VM " + id + " already running");
  runtime::StartParams p;
  p.vmid = vmid;
  p.argv = command_line_for_start(app, s.conf, vmid);
  const std::string uri = "tcp:127.0.0.1:" + std::to_string(free_tcp_port());
  p.argv.push_back("-incoming");
  p.argv.push_back(uri);
  p.timeout_s = runtime::default_start_timeout_s(s.conf.main);
  p.req = req;
  return runtime::reply_of(rt.start(std::move(p)), std::string(kListens) + uri + "\n");
}

}  // namespace qmd::service
