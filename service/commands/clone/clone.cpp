// qm clone <vmid> <newid> [--name] [--description] [--full] [--snapname]
//          [--storage] [--format] [--target]
//
// The rules are clone_plan's. The run is a long operation on the NEW VM's
// stream: started (the VM appears, `lock: clone`, no disks yet) → one step per
// disk copied or linked, each adding its drive to the config → completed (lock
// removed; vm.moved too with --target). Steps are committed before the next
// full copy begins, or with the completion (see run_clone). The source gets
// no event: it is only read, under its flock held shared (spec §6.6). A
// failure frees every volume made so far and destroys the new VM with
// events ("clone failed: <why>"); a crash (kill -9) leaves the new VM locked
// `clone` with its last step on record, and `qm unlock` + `qm destroy` then
// removes the images it left behind.
#include "service/commands/clone/clone.h"

#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/delta.h"
#include "config/formats/drive.h"
#include "events/ids.h"
#include "projections/vm_events.h"
#include "service/commands/clone/clone_plan.h"
#include "service/commands/common.h"
#include "service/commands/option_values.h"
#include "service/storage/qcow2_header.h"
#include "service/storage/volume_id.h"
#include "service/vm_flock.h"

namespace qmd::service {

namespace {

// A disk's virtual size (for size= and the progress lines) as `qemu-img info`
// reports it, read from the qcow2 header or the raw file's length: no second
// qemu-img competing with the copy for the CPU. Other formats ask qemu-img.
// Throws StorageError "volume '<volid>' does not exist".
uint64_t virtual_size(storage::Storage& st, const std::string& volid) {
  const std::string path = st.path_of(volid);
  const std::string format = storage::parse_volume_id(volid).format;
  if (format == "qcow2") {
    if (auto n = storage::read_qcow2_virtual_size(path)) return *n;
  } else if (format == "raw") {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path, ec);
    if (!ec) return n;
  }
  return st.info(volid).virtual_size;
}

// Copies or links one disk; returns the new volume and the drive value for it.
std::pair<std::string, std::string> clone_disk(App& app, const Request& req, const DiskClone& d,
                                               const CloneParams& p, std::string& out) {
  auto& st = app.storage();
  const int newid = static_cast<int>(p.newid);
  if (!d.full) {
    out += fmt::format("create linked clone of drive {} ({})\n", d.key, d.volid);
    const std::string vol = st.clone_linked(d.volid, newid);
    return {vol, cloned_drive_value(d.drive, vol, std::nullopt)};
  }
  out += fmt::format("create full clone of drive {} ({})\n", d.key, d.volid);
  const auto source_id = storage::parse_volume_id(d.volid);
  const std::string target = p.storage.value_or(source_id.storage);
  if (config::drive_is_cloudinit(d.drive)) {
    // As Proxmox's clone_disk: the clone gets an empty cloud-init volume of
    // its own, never a copy of the source's seed (which names the source's
    // instance-id and MACs); its start writes the clone's own seed into it.
    const std::string vol = allocate_cloudinit_volume(st, target, newid, p.format.value_or(source_id.format));
    return {vol, cloned_drive_value(d.drive, vol, kCloudinitVolumeBytes)};
  }
  const uint64_t size = virtual_size(st, d.volid);
  req.flush_live(out);  // the user sees which drive is being copied while it is
  // Progress is for a person watching: only on the user's terminal, as Proxmox's task log shows it.
  storage::ProgressCallback progress;
  if (req.shows_terminal_progress()) {
    progress = [size, &req](double percent) { req.live(OutStream::err, transfer_line(size, percent) + "\n"); };
  }
  const std::string vol = st.clone_full(d.volid, target, newid, p.format.value_or(""), progress,
                                        p.snapname.value_or(""));
  try {
    return {vol, cloned_drive_value(d.drive, vol, size)};
  } catch (...) {
    st.free(vol);  // not yet known to the caller: nobody else would free it
    throw;
  }
}

}  // namespace

Reply run_clone(App& app, const Request& req) {
  namespace t = projections::event_type;
  const CloneParams p = parse_clone_params(req, app.env().node);
  check_clone_storage(p, app.storage().config());
  // As Proxmox: the source's flock, shared, for the whole clone (1 s to get it),
  // taken before its config is read. Other clones of it may run; changes,
  // snapshots, destroy (which need it exclusively) wait, and give up after 10 s.
  const VmFlock source_lock = VmFlock::acquire(vm_lock_dir(app.env().data_dir), p.vmid,
                                               VmFlock::Mode::Shared, std::chrono::seconds(1));
  const auto source = load_existing(app, p.vmid);
  const auto before = app.model().load(p.newid);
  const ClonePlan plan = plan_clone(source, p, before.exists, app.storage().config(), Generators::system());

  const std::string op_id = events::new_uuid();
  nlohmann::json src = {{"vmid", p.vmid}};
  if (p.snapname) src["snapname"] = *p.snapname;
  nlohmann::json started = {{"op", "clone"},     {"op_id", op_id},  {"vmid", p.newid},
                            {"node", app.env().node}, {"source", src}, {"full", plan.full},
                            {"delta", projections::delta_json(config::ConfigFile{}, plan.conf)}};
  const int64_t expected = before.version == 0 ? events::kNoStream : before.version;
  int64_t version = 0;
  try {
    version = app.commit(p.newid, expected, {{t::kOperationStarted, 1, started, {}}}, req).stream_version;
  } catch (const events::ConflictError&) {
    throw vm_already_exists(p.newid);  // another command created it meanwhile
  }

  std::string out;
  std::vector<std::string> created;
  config::ConfigFile conf = plan.conf;
  // Steps not yet committed. Before a full copy starts, every earlier step is
  // committed, so a crash during a long copy finds the finished disks in the
  // config (and `qm locks` names the last one). Otherwise steps ride along
  // with the next commit (linked clones take milliseconds; the last disk's
  // step commits with the completion), saving a durable commit each; a crash
  // before it leaves those images only in the VM's directory, which
  // `qm destroy` of the unfinished clone frees.
  std::vector<events::NewEvent> uncommitted;
  auto flush = [&](std::vector<events::NewEvent> more = {}) {
    uncommitted.insert(uncommitted.end(), more.begin(), more.end());
    if (uncommitted.empty()) return;
    version = app.commit(p.newid, version, uncommitted, req).stream_version;
    uncommitted.clear();
  };
  try {
    for (const auto& d : plan.disks) {
      if (d.full) flush();
      auto [vol, value] = clone_disk(app, req, d, p, out);
      created.push_back(vol);
      config::ConfigFile next = conf;
      next.main[d.key] = value;
      nlohmann::json step = {{"op_id", op_id},
                             {"step", fmt::format("{} clone of {}: {}", d.full ? "full" : "linked", d.key, vol)},
                             {"detail", {{"key", d.key}, {"source", d.volid}, {"volid", vol}, {"full", d.full}}},
                             {"delta", projections::delta_json(conf, next)}};
      uncommitted.push_back({t::kOperationStep, 1, step, {}});
      conf = std::move(next);
    }
    config::ConfigFile done = conf;
    done.main.erase("lock");
    std::vector<events::NewEvent> finish = {
        {t::kOperationCompleted, 1, {{"op_id", op_id}, {"delta", projections::delta_json(conf, done)}}, {}}};
    if (p.target) finish.push_back({t::kMoved, 1, {{"from", app.env().node}, {"to", *p.target}}, {}});
    flush(finish);
  } catch (const std::exception& e) {
    const std::string why = e.what();
    for (const auto& v : created) {
      try {
        app.storage().free(v);
      } catch (const std::exception& fe) {
        spdlog::warn("clone: could not free {}: {}", v, fe.what());
      }
    }
    nlohmann::json vols = created;
    try {
      app.commit(p.newid, version,
                 {{t::kOperationFailed, 1, {{"op_id", op_id}, {"error", why}, {"freed", vols}}, {}},
                  {t::kDestroyed, 1, {{"purge", false}, {"volumes", vols}}, {}}},
                 req);
    } catch (const std::exception& ce) {
      spdlog::warn("clone: could not remove VM {} after the failure: {}", p.newid, ce.what());
    }
    throw CommandError("clone failed: " + why);
  }

  std::string err;
  if (!plan.pending_keys.empty()) {
    std::string keys;
    for (const auto& k : plan.pending_keys) keys += (keys.empty() ? "" : ",") + k;
    err = "found pending changes for '" + keys + "', discarding for clone\n";
  }
  return Reply{0, out, err};
}

}  // namespace qmd::service
