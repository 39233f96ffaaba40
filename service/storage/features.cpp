#include "service/storage/features.h"

namespace qmd::storage {

bool volume_has_feature(const VolumeId& v, Feature f, bool of_snapshot) {
  if (v.type != VolumeType::Images) return false;
  const bool qcow2 = v.format == "qcow2";
  const bool any = qcow2 || v.format == "raw" || v.format == "vmdk";
  if (of_snapshot) return (f == Feature::Snapshot || f == Feature::Copy) && qcow2;
  switch (f) {
    case Feature::Snapshot: return qcow2 && !v.is_base;
    case Feature::Clone: return any && v.is_base;
    case Feature::Template: return any && !v.is_base;
    case Feature::Copy: return any;
    case Feature::Resize: return (qcow2 || v.format == "raw") && !v.is_base;
  }
  return false;
}

}  // namespace qmd::storage
