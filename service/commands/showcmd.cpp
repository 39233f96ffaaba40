#include "service/commands/showcmd.h"

#include "service/commands/common.h"
#include "service/qemu/cmdline.h"

namespace qmd::service {

Reply run_showcmd(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const projections::VmState s = load_existing(app, vmid);
  qemu::CmdlineContext ctx;
  ctx.vmid = vmid;
  ctx.run_dir = app.env().run_dir();
  ctx.host = qemu::detect_host_caps();
  ctx.snapshot = req.opt("snapshot");
  ctx.volume_path = [&app](const std::string& volid) { return app.storage().path_of(volid); };
  try {
    const auto argv = qemu::build_command_line(s.conf, ctx);
    return Reply::ok(qemu::format_command_line(argv, flag(req, "pretty")) + "\n");
  } catch (const qemu::CmdlineError& e) {
    throw CommandError(e.what());
  }
}

}  // namespace qmd::service
