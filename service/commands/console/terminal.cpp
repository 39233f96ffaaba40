#include "service/commands/console/terminal.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "service/commands/common.h"
#include "service/commands/console/raw_mode.h"
#include "service/commands/console/relay.h"
#include "service/commands/console/serial_rules.h"
#include "service/runtime/offline_status.h"

namespace qmd::service {

namespace {

// A connected unix stream socket, or -1 with errno set.
int connect_unix(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

bool write_text(int fd, const std::string& s) { return ::write(fd, s.data(), s.size()) == static_cast<ssize_t>(s.size()); }

}  // namespace

Reply run_terminal(App& app, const Request& req) {
  if (app.runtime() != nullptr) throw CommandError("qm terminal is interactive: run it with qm, not through qmd's socket");
  const int64_t vmid = parse_vmid(req.args.at(0));
  const int escape = console::parse_escape(req.opt("escape").value_or("^O"));
  const auto s = load_existing(app, vmid);
  const std::string iface = console::pick_serial_iface(s.conf.main, req.opt("iface"));
  const std::string run_dir = app.env().run_dir();
  if (runtime::offline_status(run_dir, vmid, false).status != "running")
    throw CommandError("VM " + std::to_string(vmid) + " not running");
  const std::string path = run_dir + "/" + std::to_string(vmid) + "." + iface;
  const int fd = connect_unix(path);
  if (fd < 0) throw CommandError("unable to connect to serial port '" + path + "' - " + std::strerror(errno));

  write_text(STDOUT_FILENO, "starting serial terminal on interface " + iface + console::escape_hint(escape) + "\n");
  console::RelayEnd end;
  {
    console::RawMode raw(STDIN_FILENO);
    end = console::relay(STDIN_FILENO, STDOUT_FILENO, fd, escape);
  }
  const int e = errno;
  ::close(fd);
  if (end == console::RelayEnd::kError) return Reply::fail(std::string("serial terminal failed - ") + std::strerror(e));
  return Reply::ok();
}

}  // namespace qmd::service
