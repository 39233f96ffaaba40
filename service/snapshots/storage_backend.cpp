#include "service/snapshots/storage_backend.h"

#include <algorithm>
#include <filesystem>

#include "service/snapshots/snapshot_error.h"
#include "service/storage/features.h"
#include "service/storage/storage_error.h"

namespace qmd::service::snapshots {

namespace {
[[noreturn]] void not_yet(const std::string& what) {
  throw SnapshotError(what + " is not supported yet");
}
}  // namespace

bool StorageBackend::volume_has_snapshot_feature(const std::string& volid) {
  try {
    const storage::VolumeId v = storage::parse_volume_id(volid);
    storage_.config().usable(v.storage);
    return storage::volume_has_feature(v, storage::Feature::Snapshot);
  } catch (const storage::StorageError&) {
    return false;
  }
}

void StorageBackend::activate_storages(const std::vector<std::string>& storage_ids) {
  for (const auto& id : storage_ids) {
    const storage::StorageEntry& s = storage_.config().usable(id);
    std::error_code ec;
    if (!std::filesystem::is_directory(s.path, ec))
      throw SnapshotError("unable to activate storage '" + id + "' - directory '" + s.path + "' does not exist");
  }
}

void StorageBackend::snapshot_create(const std::string& volid, const std::string& snap) {
  storage_.snapshot_create(volid, snap);
}

void StorageBackend::snapshot_delete(const std::string& volid, const std::string& snap) {
  storage_.snapshot_delete(volid, snap);
}

void StorageBackend::rollback_possible(const std::string& volid, const std::string& snap) {
  if (!volume_has_snapshot_feature(volid)) throw SnapshotError("snapshot feature is not available");
  const auto snaps = storage_.info(volid).snapshots;
  if (std::find(snaps.begin(), snaps.end(), snap) == snaps.end())
    throw SnapshotError("snapshot '" + snap + "' does not exist on volume '" + volid + "'");
}

void StorageBackend::snapshot_rollback(const std::string& volid, const std::string& snap) {
  storage_.snapshot_apply(volid, snap);
}

void StorageBackend::free_volume(const std::string& volid) { storage_.free(volid); }

VmStateInfo StorageBackend::save_vmstate(const config::ConfigFile&, const std::string&) {
  not_yet("saving the RAM of a running VM");
}
void StorageBackend::guest_fsfreeze() { not_yet("freezing the guest file systems"); }
void StorageBackend::guest_fsthaw() { not_yet("thawing the guest file systems"); }
void StorageBackend::savevm_start(const std::string&) { not_yet("a snapshot of a running VM"); }
void StorageBackend::savevm_end() { not_yet("a snapshot of a running VM"); }
void StorageBackend::vm_stop() { not_yet("stopping the VM for a rollback"); }
void StorageBackend::vm_start(const std::string&, const std::string&, const std::string&) {
  not_yet("starting the VM from the snapshot's saved RAM state");
}

}  // namespace qmd::service::snapshots
