// The storage definitions of a node: <data-dir>/storage.cfg in Proxmox's
// storage.cfg syntax. Pure: parsing only, the caller reads the file.
//
//   # comment
//   dir: local
//   	path /var/lib/qmd
//   	content images,iso,vztmpl,rootdir
//
//   dir: fast
//   	path /mnt/fast
//   	content images
//   	shared 0
//   	disable
//
// A section is a header `<type>: <storage-id>` followed by indented
// `<key> [<value>]` lines and ends at a blank line. Only the `dir` type is
// usable by qmd; other types parse (their options are kept verbatim) but using
// them fails with "storage type '<t>' is not supported by qmd".
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace qmd::storage {

struct StorageEntry {
  std::string id;
  std::string type;                             // "dir", or another Proxmox type
  std::string path;                             // dir: absolute directory
  std::set<std::string> content;                // images, iso, vztmpl, rootdir, ...
  bool shared = false;
  bool disabled = false;
  std::map<std::string, std::string> options;   // every other key, value as written
  int line = 0;                                 // header line in storage.cfg; 0 = built in

  bool has_content(const std::string& c) const { return content.count(c) != 0; }
  // The value of an option kept in `options` (e.g. "preallocation"), or "" when unset.
  std::string option(const std::string& key) const;
};

struct StorageConfig {
  std::vector<StorageEntry> entries;   // the built-in `local` (if used) first, then file order

  // nullptr when no storage has this id.
  const StorageEntry* find(std::string_view id) const;
  // Throws StorageError "storage '<id>' does not exist".
  const StorageEntry& get(std::string_view id) const;
  // get() plus the checks for doing I/O on it. Throws StorageError:
  //   "storage '<id>' does not exist"
  //   "storage type '<t>' is not supported by qmd"
  //   "storage '<id>' is disabled"
  const StorageEntry& usable(std::string_view id) const;
};

// The built-in `local`: type dir, path <data_dir>, content images,iso,vztmpl,rootdir.
StorageEntry builtin_local(const std::string& data_dir);

// Parses the text of storage.cfg. The built-in `local` is added unless the
// text defines a storage named `local` (the file's definition then wins).
// Throws StorageError "storage.cfg line <n>: <what is wrong>" on malformed
// input, e.g. "storage.cfg line 3: duplicate option 'path' in section 'fast'".
StorageConfig parse_storage_cfg(std::string_view text, const std::string& data_dir);

// The qemu-img create option for a new image of format fmt on storage e
// ("preallocation=<mode>"), Proxmox's rule: qcow2 defaults to metadata, raw to
// off (metadata means off for raw), other formats get none (nullopt).
// Throws StorageError "preallocation mode '<m>' not supported by format '<fmt>'".
std::optional<std::string> preallocation_option(const StorageEntry& e, const std::string& fmt);

// True for Proxmox storage ids: [a-z][a-z0-9._-]*[a-z0-9] (case-insensitive).
bool is_valid_storage_id(std::string_view id);

}  // namespace qmd::storage
