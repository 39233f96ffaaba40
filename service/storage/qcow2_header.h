// Reads facts recorded in a qcow2 image's header without running qemu-img
// (used to scan many images for linked clones cheaply, and to size a full
// clone without a second process; it needs no lock, so images of running VMs
// are read too).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace qmd::storage {

// The backing file name as recorded (e.g. "../100/base-100-disk-0.qcow2"),
// "" when the image has none, nullopt when the file cannot be read or is not
// a qcow2 image.
std::optional<std::string> read_qcow2_backing_file(const std::string& path);

// The virtual size in bytes recorded in the header (what `qemu-img info`
// reports as virtual-size), nullopt when the file cannot be read or is not a
// qcow2 image.
std::optional<std::uint64_t> read_qcow2_virtual_size(const std::string& path);

}  // namespace qmd::storage
