// Which storage operations a volume on a dir storage supports — Proxmox's
// Plugin::volume_has_feature table for file-based storages. Pure.
//
//   snapshot  qcow2, not base images (a template's volumes cannot be snapshotted)
//   clone     (linked clone) base images only: raw, qcow2, vmdk
//   template  (rename to base) non-base raw, qcow2, vmdk
//   copy      (full clone) raw, qcow2, vmdk; from a snapshot: qcow2 only
//   resize    raw, qcow2 (not base images)
#pragma once

#include "service/storage/volume_id.h"

namespace qmd::storage {

enum class Feature { Snapshot, Clone, Template, Copy, Resize };

// of_snapshot: the operation works on a snapshot of the volume (e.g. clone --snapname).
// ISO volumes support none of them.
bool volume_has_feature(const VolumeId& v, Feature f, bool of_snapshot = false);

}  // namespace qmd::storage
