// ConfTree: the `.conf` files under a root directory, laid out as /etc/pve is:
//   <root>/nodes/<node>/qemu-server/<vmid>.conf
// Every write is atomic and durable (temp file, fsync, rename, fsync of the
// directory), so a reader never sees a half-written file and a crash leaves
// either the old or the new file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qmd::exporting {

struct ConfFileRef {
  std::string node;
  int64_t vmid = 0;
  std::string path;
};

class ConfTree {
 public:
  explicit ConfTree(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string dir_of(const std::string& node) const;
  std::string path_of(const std::string& node, int64_t vmid) const;

  // Writes `text` as vmid's file on `node` (creating directories) and removes any
  // file of the same vmid under another node (a VM is owned by one node).
  // Throws std::runtime_error naming the path and errno text on failure, and
  // for a node that is not a valid node name (config/node_name.h).
  void write(const std::string& node, int64_t vmid, const std::string& text) const;
  // Removes vmid's file under every node (no error if absent).
  void remove(int64_t vmid) const;
  // The file's bytes, or nullopt if absent.
  std::optional<std::string> read(const std::string& node, int64_t vmid) const;
  // Every `<vmid>.conf` under nodes/*/qemu-server/, sorted by node then vmid.
  std::vector<ConfFileRef> scan() const;

 private:
  std::string root_;
};

// Durable atomic file replacement (the primitive under ConfTree::write): a
// temp file of an unpredictable name created O_EXCL|O_NOFOLLOW (0600), fsync,
// rename over `path` (a symlink at `path` is replaced, never followed), fsync
// of the directory. With `root`, the directories between it and `path` are
// created as needed and none may be a symlink or `..`. Throws
// std::runtime_error naming the path on failure; nothing is left behind.
void write_file_atomic(const std::string& path, const std::string& bytes, const std::string& root = {});

}  // namespace qmd::exporting
