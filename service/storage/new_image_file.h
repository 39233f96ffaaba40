// Creating an image file safely: the name is reserved atomically (an empty
// placeholder made with O_EXCL, so concurrent allocations never pick the same
// name), and unless commit() is called the destructor removes the file again
// together with the VM's image directory if this left it empty. Every
// operation that writes a new image goes through this, so a failure (qemu-img
// error, disk full, exception) leaves no half-made file behind.
#pragma once

#include <string>

namespace qmd::storage {

class NewImageFile {
 public:
  // Reserves the first free "vm-<vmid>-disk-<n>.<fmt>" in dir (creating dir
  // if needed). A number is taken when any file vm-/base-<vmid>-disk-<n>.*
  // exists, whatever its format (as Proxmox does). Throws StorageError when
  // the directory cannot be created or no name is free.
  static NewImageFile reserve_disk(const std::string& dir, int vmid, const std::string& fmt);
  // Reserves exactly `name` in dir. Throws StorageError
  // "disk image '<path>' already exists" when it does.
  static NewImageFile reserve_named(const std::string& dir, const std::string& name);

  NewImageFile(NewImageFile&& other) noexcept;
  NewImageFile& operator=(NewImageFile&&) = delete;
  NewImageFile(const NewImageFile&) = delete;
  ~NewImageFile();

  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }
  // Keeps the file.
  void commit() { committed_ = true; }

 private:
  NewImageFile(std::string dir, std::string name);
  std::string dir_, name_, path_;
  bool committed_ = false;
};

// Removes dir if it is empty; ignores errors (best effort tidying).
void remove_dir_if_empty(const std::string& dir);

}  // namespace qmd::storage
