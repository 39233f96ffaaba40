// The one exception type of service/storage/. Its message is meant for the user
// as is (Proxmox wording where Proxmox has one), e.g.
//   "storage 'fast' does not exist"
//   "snapshot feature is not available"
//   "command 'qemu-img create -f raw /x 1024' failed: exit code 1: qemu-img: ..."
#pragma once

#include <stdexcept>

namespace qmd::storage {

class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace qmd::storage
