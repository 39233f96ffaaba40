// qm disk resize <vmid> <disk> <size> [--digest D] [--skiplock]   (alias: qm resize)
//
// `+N[KMGT]` grows by N, `N[KMGT]` sets the size; disks only grow. The image is
// grown first, then the drive's `size=` is recorded (vm.config.updated). A
// crash in between leaves a larger image with the old size= on record, which
// is what Proxmox's order leaves too and is harmless (the next resize or a
// rescan corrects it); the reverse order could claim a size the image lacks.
#include "service/commands/disk/resize.h"

#include "config/delta.h"
#include "config/formats/drive.h"
#include "projections/vm_events.h"
#include "service/commands/common.h"
#include "service/commands/drive_names.h"
#include "service/commands/disk/resize_size.h"
#include "service/vm_flock.h"

namespace qmd::service {

namespace {

struct Target {
  config::PropMap drive;
  std::string volid;
};

// The volume behind `disk`, with Proxmox's refusals.
Target resizable_drive(const projections::VmState& s, const std::string& disk) {
  auto it = s.conf.main.find(disk);
  if (it == s.conf.main.end()) throw CommandError("disk '" + disk + "' does not exist");
  Target t{config::parse_drive(disk, it->second), ""};
  t.volid = t.drive.count("file") ? t.drive.at("file") : "";
  if (t.volid.empty() || t.volid == "none") throw CommandError("disk '" + disk + "' has no associated volume");
  if (config::drive_is_cdrom(t.drive)) throw CommandError("you can't resize a cdrom");
  return t;
}

}  // namespace

Reply run_resize(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const std::string disk = req.args.at(1);
  check_drive_name("disk", disk);
  const SizeRequest size = parse_size_request(req.args.at(2));
  const bool skiplock = flag(req, "skiplock");

  // As Proxmox, the whole resize under the VM's flock: the image must not
  // grow while, e.g., a clone copies it (the commit below then reuses it).
  const VmFlock flock =
      VmFlock::acquire(vm_lock_dir(app.env().data_dir), vmid, VmFlock::Mode::Exclusive, kConfigLockTimeout);
  const auto s = load_existing(app, vmid);
  if (auto d = req.opt("digest"); d && *d != digest_of(s))
    throw CommandError("checksum mismatch (file change by other user?)");
  check_lock(s, skiplock);
  const Target target = resizable_drive(s, disk);
  if (s.status == "running" || s.status == "paused")
    throw CommandError("resizing a disk of a running VM needs the qmd service, which is not available yet");

  const uint64_t current = app.storage().info(target.volid).virtual_size;
  const uint64_t wanted = size.apply_to(current);
  if (wanted < current) throw CommandError("shrinking disks is not supported");
  if (wanted == current) return Reply::ok();
  app.storage().resize(target.volid, wanted);

  // Only the size= of that drive changes, on whatever state is current by now.
  retry_on_conflict([&] {
    const auto now = load_existing(app, vmid);
    config::ConfigFile after = now.conf;
    auto it = after.main.find(disk);
    if (it == after.main.end()) return;  // the drive went away meanwhile: nothing to record
    config::PropMap d = config::parse_drive(disk, it->second);
    if (!d.count("file") || d.at("file") != target.volid) return;
    d["size"] = std::to_string(wanted);
    it->second = config::print_drive(d);
    if (after == now.conf) return;
    events::NewEvent e{projections::event_type::kConfigUpdated, 1,
                       {{"delta", projections::delta_json(now.conf, after)}}, {}};
    app.commit(vmid, now.version, {e}, req);
  });
  return Reply::ok();
}

}  // namespace qmd::service
