// The data directory is private to its owner (issue #13): the log, the .conf
// tree and the disk images hold every VM's config, history and data.
#pragma once

#include <string>

namespace qmd::service::support {

// Makes what this process creates from now on private (umask 0077: files
// 0600, directories 0700 — the SQLite database and its WAL, .conf files,
// images made by qemu-img children, logs), whatever umask it was started
// with, then creates `data_dir` 0700 when missing. A `data_dir` that exists
// with group or other permission bits (an installation made by an earlier
// version) is tightened: it and everything under it lose those bits, and one
// warning line says so. Symlinks are not followed. Throws
// std::runtime_error naming the directory when it cannot be created.
void make_data_dir_private(const std::string& data_dir);

}  // namespace qmd::service::support
