#include "service/snapshots/live_backend.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "service/runtime/verb_support.h"
#include "service/snapshots/snapshot_error.h"
#include "service/snapshots/state_receiver.h"
#include "service/snapshots/volumes.h"
#include "service/storage/volume_id.h"

namespace qmd::service::snapshots {

namespace {

constexpr int kQmpTimeoutMs = 60000;     // an internal snapshot of a large image takes a while
constexpr int kSaveStateTimeoutS = 600;  // RAM to a file, also under TCG
constexpr int kRollbackStopTimeoutS = 5; // spec §6.4: hard stop, 5 s

std::vector<std::string> process_argv(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::vector<std::string> out;
  for (std::string a; std::getline(in, a, '\0');) out.push_back(a);
  return out;
}

std::string arg_after(const std::vector<std::string>& argv, const std::string& opt) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == opt) return argv[i + 1];
  return {};
}

// "k=v" of a comma-separated option value ("" when absent).
std::string sub_option(const std::string& value, const std::string& key) {
  std::stringstream ss(value);
  for (std::string part; std::getline(ss, part, ',');)
    if (part.starts_with(key + "=")) return part.substr(key.size() + 1);
  return {};
}

std::string canonical(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

}  // namespace

std::string vmstate_storage(const config::ConfigFile& conf, const storage::StorageConfig& storages) {
  if (auto it = conf.main.find("vmstatestorage"); it != conf.main.end() && !it->second.empty()) return it->second;
  std::string shared, local;
  for (const auto& sid : storages_of(conf.main, false)) {
    const storage::StorageEntry* e = storages.find(sid);
    if (e == nullptr) continue;
    std::string& dst = e->shared ? shared : local;
    if (dst.empty() || !e->path.empty()) dst = sid;
  }
  return !shared.empty() ? shared : !local.empty() ? local : "local";
}

LiveBackend::LiveBackend(storage::Storage& storage, runtime::Runtime& rt, int64_t vmid, const Request& req,
                         std::string run_dir, StartFn start)
    : StorageBackend(storage, false, ""), rt_(rt), vmid_(vmid), req_(req), run_dir_(std::move(run_dir)),
      start_(std::move(start)) {}

bool LiveBackend::vm_running() { return rt_.status(vmid_, false).status == "running"; }

std::string LiveBackend::open_drive(const std::string& volid) {
  if (!vm_running()) return {};
  const runtime::QmpReply r = rt_.qmp(vmid_, "query-block", nullptr, kQmpTimeoutMs);
  if (!r.error.empty()) throw SnapshotError(r.error);
  const std::string path = canonical(storage_.path_of(volid));
  for (const auto& b : r.value) {
    if (!b.contains("inserted") || !b["inserted"].contains("file")) continue;
    if (canonical(b["inserted"]["file"].get<std::string>()) == path) return b.value("device", "");
  }
  return {};
}

void LiveBackend::snapshot_create(const std::string& volid, const std::string& snap) {
  const std::string device = open_drive(volid);
  if (device.empty()) return StorageBackend::snapshot_create(volid, snap);
  if (!volume_has_snapshot_feature(volid)) throw SnapshotError("snapshot feature is not available");
  const runtime::QmpReply r =
      rt_.qmp(vmid_, "blockdev-snapshot-internal-sync", {{"device", device}, {"name", snap}}, kQmpTimeoutMs);
  if (!r.error.empty()) throw SnapshotError(r.error);
}

void LiveBackend::snapshot_delete(const std::string& volid, const std::string& snap) {
  const std::string device = open_drive(volid);
  if (device.empty()) return StorageBackend::snapshot_delete(volid, snap);
  const runtime::QmpReply r =
      rt_.qmp(vmid_, "blockdev-snapshot-delete-internal-sync", {{"device", device}, {"name", snap}}, kQmpTimeoutMs);
  if (!r.error.empty()) throw SnapshotError(r.error);
}

VmStateInfo LiveBackend::save_vmstate(const config::ConfigFile& conf, const std::string& snap) {
  const runtime::LiveStatus st = rt_.status(vmid_, false);
  if (st.status != "running") throw SnapshotError("VM " + std::to_string(vmid_) + " not running");
  const std::vector<std::string> argv = process_argv(st.pid);

  VmStateInfo info;
  // The machine type as QEMU resolved it (`pc` is an alias of pc-i440fx-<ver>),
  // with Proxmox's +pve0 suffix.
  std::string machine = sub_option(arg_after(argv, "-machine"), "type");
  if (machine.empty()) machine = "pc";
  const runtime::QmpReply machines = rt_.qmp(vmid_, "query-machines", nullptr, kQmpTimeoutMs);
  if (machines.error.empty())
    for (const auto& m : machines.value)
      if (m.value("alias", "") == machine) machine = m.value("name", machine);
  info.runningmachine = machine + "+pve0";
  info.runningcpu = arg_after(argv, "-cpu");
  std::string mtus;
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] != "-device" || !argv[i + 1].starts_with("virtio-net")) continue;
    const std::string id = sub_option(argv[i + 1], "id");
    const std::string mtu = sub_option(argv[i + 1], "host_mtu");
    mtus += (mtus.empty() ? "" : ",") + id + "=" + (mtu.empty() ? "0" : mtu);
  }
  info.nets_host_mtu = mtus;

  const uint64_t mib = static_cast<uint64_t>(runtime::memory_mib(conf.main)) * 2 + 500;
  const std::string sid = vmstate_storage(conf, storage_.config());
  info.vmstate = storage_.allocate_named(sid, static_cast<int>(vmid_), storage::state_file_name(static_cast<int>(vmid_), snap),
                                         mib * 1024 * 1024);
  return info;
}

void LiveBackend::savevm_start(const std::string&) {
  const runtime::OpResult r = rt_.snapshot_hold(vmid_, true);
  if (!r.error.empty()) throw SnapshotError(r.error);
}

void LiveBackend::savevm_write_state(const std::string& statefile) {
  std::unique_ptr<StateReceiver> receiver;
  try {
    receiver = std::make_unique<StateReceiver>(run_dir_ + "/" + std::to_string(vmid_) + ".state.sock",
                                               storage_.path_of(statefile));
  } catch (const std::exception& e) {
    throw SnapshotError(std::string("saving the VM state failed: ") + e.what());
  }
  const runtime::OpResult r = rt_.save_state(vmid_, receiver->uri(), kSaveStateTimeoutS);
  if (!r.error.empty()) throw SnapshotError(r.error);
  if (const std::string e = receiver->finish(); !e.empty()) throw SnapshotError("saving the VM state failed: " + e);
}

void LiveBackend::savevm_end() {
  const runtime::OpResult r = rt_.snapshot_hold(vmid_, false);
  if (!r.error.empty()) throw SnapshotError(r.error);
}

void LiveBackend::vm_stop() {
  const runtime::OpResult r = rt_.stop(vmid_, kRollbackStopTimeoutS, req_);
  if (!r.error.empty()) throw SnapshotError(r.error);
}

void LiveBackend::vm_start(const std::string& statefile, const std::string& forcemachine,
                           const std::string& forcecpu) {
  start_(statefile, forcemachine, forcecpu);
}

}  // namespace qmd::service::snapshots
