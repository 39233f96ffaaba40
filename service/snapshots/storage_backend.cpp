#include "service/snapshots/storage_backend.h"

#include <algorithm>
#include <filesystem>

#include "service/snapshots/snapshot_error.h"
#include "service/storage/features.h"
#include "service/storage/storage_error.h"

namespace qmd::service::snapshots {

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

VmStateInfo StorageBackend::save_vmstate(const config::ConfigFile&, const std::string&) { throw SnapshotError(no_qemu_); }
void StorageBackend::guest_fsfreeze() { throw SnapshotError(no_qemu_); }
void StorageBackend::guest_fsthaw() { throw SnapshotError(no_qemu_); }
void StorageBackend::savevm_start(const std::string&) { throw SnapshotError(no_qemu_); }
void StorageBackend::savevm_end() { throw SnapshotError(no_qemu_); }
void StorageBackend::vm_stop() { throw SnapshotError(no_qemu_); }
void StorageBackend::vm_start(const std::string&, const std::string&, const std::string&) {
  throw SnapshotError(no_qemu_);
}

}  // namespace qmd::service::snapshots
