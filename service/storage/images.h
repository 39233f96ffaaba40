// Storage: disk images of VMs on the dir storages of one node, through qemu-img.
//
// Volumes are named by Proxmox volume ids (see volume_id.h); every method
// taking a volid throws StorageError for an unparsable id, for a storage that
// is missing ("storage '<id>' does not exist"), not of type dir ("storage type
// '<t>' is not supported by qmd") or disabled. qemu-img failures surface as
// StorageError naming the command and qemu-img's stderr (qemu_img.h).
// Methods that create a file leave nothing behind when they fail.
//
// A Storage holds no mutable state: calls may run concurrently (also from other
// processes); new names are reserved atomically so allocations never collide.
// Callers serialise operations on one VM (the VM lock). Operations here work on
// images no VM has open for writing; a running VM's disks are resized, mirrored
// and snapshotted through QMP by the qemu part.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "service/storage/qemu_img.h"
#include "service/storage/storage_cfg.h"
#include "service/storage/volume_id.h"

namespace qmd::storage {

struct ImageInfo {
  std::uint64_t virtual_size = 0;     // bytes the guest sees
  std::uint64_t actual_size = 0;      // bytes used on the host
  std::string format;                 // as detected by qemu-img (raw, qcow2, vmdk)
  std::string backing_file;           // as recorded in the image, "" when none
  std::vector<std::string> snapshots; // internal snapshot names (qcow2), in image order
};

using ProgressCallback = std::function<void(double percent)>;

class Storage {
 public:
  // Reads <data_dir>/storage.cfg (absent: only the built-in `local` at data_dir).
  // Throws StorageError when the file is malformed or unreadable.
  static Storage open(const std::string& data_dir, QemuImg qemu_img = QemuImg());

  explicit Storage(StorageConfig config, QemuImg qemu_img = QemuImg());

  const StorageConfig& config() const { return config_; }

  // The file of a volume (images or ISO). Does not check that it exists.
  std::string path_of(const std::string& volid) const;

  // Creates the next free <storage>:<vmid>/vm-<vmid>-disk-<n>.<fmt> of size_bytes
  // (fmt: raw, qcow2, vmdk; the storage's `preallocation` applies as in Proxmox:
  // qcow2 default metadata, raw default off). Returns its volid.
  // Throws also "storage '<id>' does not support vm images", "unsupported format '<fmt>'".
  std::string allocate(const std::string& storage, int vmid, const std::string& fmt,
                       std::uint64_t size_bytes);

  // Creates exactly <storage>:<vmid>/<name> (e.g. a state volume from
  // state_file_name()). Throws "disk image '<path>' already exists".
  std::string allocate_named(const std::string& storage, int vmid, const std::string& name,
                             std::uint64_t size_bytes);

  // Deletes an image volume's file (and the VM's image directory once empty);
  // ISO volumes are refused ("volume '<volid>' is not a disk image"). Returns
  // false (with a warning logged) when the file does not exist. A base image
  // used by a linked clone is refused: "base volume '<volid>' is still in use
  // by linked cloned".
  bool free(const std::string& volid);

  // Writes the raw image at raw_path over the start of the existing volume
  // `volid` (qemu-img convert -n), keeping the volume's size: a cloud-init
  // seed ISO into its cloud-init volume. Throws "volume '<volid>' does not
  // exist", and qemu-img's failure (e.g. the image is bigger than the volume).
  void write_raw_into(const std::string& volid, const std::string& raw_path);

  // qemu-img info with -U (the image may be open in a running VM).
  // Throws "volume '<volid>' does not exist" when its file is missing.
  ImageInfo info(const std::string& volid) const;

  // Grows the image to new_size bytes; no-op when equal. Throws "shrinking
  // disks is not supported" when smaller, "can't resize this image format" for
  // vmdk, base images and ISO images.
  void resize(const std::string& volid, std::uint64_t new_size);

  // Internal qcow2 snapshots (qemu-img snapshot -c / -a / -d). Any volume
  // without the snapshot feature (raw, vmdk, base images): "snapshot feature is
  // not available".
  void snapshot_create(const std::string& volid, const std::string& snap);
  void snapshot_apply(const std::string& volid, const std::string& snap);
  void snapshot_delete(const std::string& volid, const std::string& snap);

  // vm-… → base-… (mode 0444), for `qm template`. Returns the new volid.
  // Throws "create_base not possible with base image", "file '<path>' already exists".
  std::string rename_to_base(const std::string& volid);

  // A qcow2 linked clone of a base image for target_vmid, backed by the
  // relative path ../<basevmid>/<basename> (so the storage can move). Returns
  // <storage>:<basevmid>/<basename>/<vmid>/vm-<vmid>-disk-<n>.qcow2.
  // Throws "Linked clone feature is not supported for '<volid>'" unless volid is a base image.
  std::string clone_linked(const std::string& base_volid, int target_vmid);

  // A full copy (qemu-img convert) as the next free vm-<target_vmid>-disk-<n>.<fmt>
  // on target_storage; fmt "" keeps the source format; snap, when not empty,
  // copies that internal snapshot (qcow2 only). progress gets percentages
  // 0..100 as qemu-img reports them. Returns the new volid. The source must not
  // be open in a running VM (qemu-img's lock refuses it; use drive-mirror).
  // Throws also "copy feature is not available for '<volid>'".
  std::string clone_full(const std::string& volid, const std::string& target_storage,
                         int target_vmid, const std::string& fmt,
                         const ProgressCallback& progress = {}, const std::string& snap = "");

  // How receive_copy reports and paces a copy.
  struct ReceiveOptions {
    ProgressCallback progress;       // percentages 0..100
    // Called once the volume's file exists here (reserved, empty), before any
    // byte is copied: from then on the file is this copy's (a caller that may
    // be killed records it, so that its recovery frees exactly that file).
    // If it throws, the file is removed and the exception propagates.
    std::function<void()> reserved;
    std::uint64_t bytes_per_s = 0;   // bandwidth limit (qm migrate --bwlimit); 0 = none
  };

  // Copies the image file at source_path byte for byte (internal snapshots
  // included) as exactly `volid` on this storage, fsynced — the receiving end
  // of an offline migration between nodes.
  // Throws "disk image '<path>' already exists" when the volume exists here;
  // a failed copy leaves nothing behind. Linked clones are refused ("can't
  // migrate '<volid>' as it's a clone of '<base>'").
  void receive_copy(const std::string& volid, const std::string& source_path, const ReceiveOptions& options);

  // A linked clone (on the same storage) whose backing file is this base
  // image, nullopt when none. Reads qcow2 headers, so running VMs' images count.
  std::optional<std::string> volume_in_use_by_linked_clone(const std::string& base_volid) const;

  // Every image volume owned by vmid on the enabled dir storages (linked clones
  // in their linked form), ordered by storage then file name.
  std::vector<std::string> list_volumes_of(int vmid) const;

 private:
  struct Resolved {
    VolumeId volume;
    const StorageEntry* storage;
    std::string path;
  };
  Resolved resolve(const std::string& volid) const;
  Resolved resolve_existing(const std::string& volid) const;
  const StorageEntry& image_storage(const std::string& storage) const;
  std::string create_image(const StorageEntry& s, const std::string& path,
                           const std::string& fmt, std::uint64_t size_bytes);
  VolumeId volume_of_file(const StorageEntry& s, int vmid, const std::string& name) const;

  StorageConfig config_;
  QemuImg qemu_img_;
};

}  // namespace qmd::storage
