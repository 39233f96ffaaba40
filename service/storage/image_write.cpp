// Storage: writing prepared raw bytes (a seed ISO) into an existing volume.
#include "service/storage/images.h"

namespace qmd::storage {

void Storage::write_raw_into(const std::string& volid, const std::string& raw_path) {
  const Resolved r = resolve_existing(volid);
  qemu_img_.run({"convert", "-n", "-f", "raw", "-O", r.volume.format, raw_path, r.path});
}

}  // namespace qmd::storage
