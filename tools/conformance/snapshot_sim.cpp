#include "tools/conformance/snapshot_sim.h"

#include <regex>
#include <stdexcept>

namespace qmd::conformance {

namespace {

const char* kStateVolume = "somestorage:state-volume";

// N of local:snapshotable-disk-N, 0 for any other volume.
int disk_number(const std::string& volid) {
  static const std::regex re("^local:snapshotable-disk-([0-9]+)$");
  std::smatch m;
  return std::regex_match(volid, m, re) ? std::stoi(m[1]) : 0;
}

bool in(int n, std::initializer_list<int> set) {
  for (int x : set)
    if (x == n) return true;
  return false;
}

void append(std::map<std::string, std::string>& rec, const std::string& volid, const std::string& snap) {
  auto& v = rec[volid];
  v += (v.empty() ? "" : ",") + snap;
}

}  // namespace

bool SimulatedBackend::volume_has_snapshot_feature(const std::string&) { return s_.snapshot_feature; }

void SimulatedBackend::activate_storages(const std::vector<std::string>&) {
  if (!s_.activate_storage_possible) throw std::runtime_error("storage activation failed");
}

void SimulatedBackend::snapshot_create(const std::string& volid, const std::string& snap) {
  if (!in(disk_number(volid), {1, 2, 3})) throw std::runtime_error("volume snapshot disabled");
  append(created, volid, snap);
}

void SimulatedBackend::snapshot_delete(const std::string& volid, const std::string& snap) {
  if (!in(disk_number(volid), {1, 3})) throw std::runtime_error("volume snapshot delete disabled");
  append(deleted, volid, snap);
}

void SimulatedBackend::rollback_possible(const std::string& volid, const std::string&) {
  if (!in(disk_number(volid), {1, 2, 3, 4})) throw std::runtime_error("volume_rollback_is_possible failed");
}

void SimulatedBackend::snapshot_rollback(const std::string& volid, const std::string& snap) {
  if (!in(disk_number(volid), {1, 2, 3})) throw std::runtime_error("volume snapshot rollback disabled");
  append(rolled_back, volid, snap);
}

void SimulatedBackend::free_volume(const std::string& volid) {
  if (volid != kStateVolume) throw std::runtime_error("wrong vdisk - fake vmstate expected!");
}

service::snapshots::VmStateInfo SimulatedBackend::save_vmstate(const config::ConfigFile&, const std::string&) {
  if (!s_.save_vmstate_works) throw std::runtime_error("save_vmstate failed");
  return {kStateVolume, "q35", "", ""};
}

void SimulatedBackend::guest_fsfreeze() {
  if (!s_.freeze_possible) throw std::runtime_error("freeze disabled");
}

void SimulatedBackend::guest_fsthaw() {
  if (!s_.freeze_possible) throw std::runtime_error("freeze disabled");
}

void SimulatedBackend::savevm_start(const std::string& statefile) {
  if (!statefile.empty() && statefile != kStateVolume)
    throw std::runtime_error("wrong volume - fake vmstate expected!");
  if (!s_.savevm_start) throw std::runtime_error("savevm-start disabled");
}

void SimulatedBackend::savevm_end() {
  if (!s_.savevm_end) throw std::runtime_error("savevm-end disabled");
}

void SimulatedBackend::vm_stop() {
  if (s_.stop_possible) s_.running = false;
}

void SimulatedBackend::vm_start(const std::string& statefile, const std::string& forcemachine, const std::string&) {
  if (statefile.empty() != forcemachine.empty())
    throw std::runtime_error("statefile and forcemachine must be both defined or undefined! aborting");
}

}  // namespace qmd::conformance
