// Proxmox volume ids on directory storages. Pure: no I/O.
//
//   local:100/vm-100-disk-0.qcow2                                   image of VM 100
//   local:100/base-100-disk-0.raw                                   base (template) image
//   local:100/base-100-disk-0.qcow2/101/vm-101-disk-0.qcow2         linked clone of VM 101
//   local:100/vm-100-state-before.raw                               VM state of snapshot
//   local:iso/debian.iso                                            ISO image
//
// File names inside images/<vmid>/ follow Proxmox's parse_name_dir:
// `(base-)?<anything without / or space>.(raw|qcow2|vmdk)`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace qmd::storage {

enum class VolumeType { Images, Iso };

struct VolumeId {
  std::string storage;
  VolumeType type = VolumeType::Images;
  std::string name;        // file name: "vm-100-disk-0.qcow2", "debian.iso"
  int vmid = 0;            // images: the owner (its directory); iso: 0
  int base_vmid = 0;       // linked clone: VM of the base image; 0 otherwise
  std::string base_name;   // linked clone: file name of the base image
  std::string format;      // raw | qcow2 | vmdk ("raw" for ISO images)
  bool is_base = false;    // the name starts with "base-"

  bool is_linked_clone() const { return base_vmid != 0; }
  // The part after "<storage>:", e.g. "100/vm-100-disk-0.qcow2".
  std::string volname() const;
  // "<storage>:<volname>"; parse_volume_id(v.to_string()) == v.
  std::string to_string() const;
  bool operator==(const VolumeId&) const = default;
};

// Parses a volume id. Throws StorageError:
//   "unable to parse volume ID '<volid>'"                (no valid "<storage>:" prefix)
//   "unable to parse directory volume name '<volname>'"  (unknown layout)
//   "unable to parse volume filename '<name>'"           (bad image file name)
VolumeId parse_volume_id(std::string_view volid);

// An image volume <storage>:<vmid>/<name>. Throws like parse_volume_id on a bad name.
VolumeId image_volume(std::string_view storage, int vmid, std::string_view name);

// A linked clone <storage>:<base.vmid>/<base.name>/<vmid>/<name>.
// Requires: base is an image volume on the same storage.
VolumeId linked_clone_volume(const VolumeId& base, int vmid, std::string_view name);

// The file of a volume on a dir storage rooted at storage_path:
//   images: <storage_path>/images/<vmid>/<name>   iso: <storage_path>/template/iso/<name>
std::string volume_path(const VolumeId& v, const std::string& storage_path);
// <storage_path>/images/<vmid>
std::string image_dir(const std::string& storage_path, int vmid);

// Throws StorageError "invalid VMID <vmid>" unless 1 <= vmid <= 999999999
// (the range volume ids can carry; the 100.. rule of qm is the commands' job).
void require_volume_vmid(int vmid);

// True for a valid image file name: (base-)?<no / or space>.(raw|qcow2|vmdk).
bool is_image_file_name(std::string_view name);

// "vm-<vmid>-disk-<n>.<fmt>" (or "base-..." when base).
std::string disk_file_name(int vmid, int n, std::string_view fmt, bool base = false);
// "vm-<vmid>-state-<snap>.raw"
std::string state_file_name(int vmid, std::string_view snap);
// n of "vm-<vmid>-disk-<n>..." or "base-<vmid>-disk-<n>..." (any extension); nullopt otherwise.
std::optional<int> disk_number(std::string_view name, int vmid);

// The backing file a linked clone of `base` records: "../<base.vmid>/<base.name>".
std::string relative_backing_file(const VolumeId& base);
// Inverse: (vmid, name) from "../<vmid>/<name>" with a valid image name; nullopt otherwise.
std::optional<std::pair<int, std::string>> parse_relative_backing_file(std::string_view backing);

}  // namespace qmd::storage
