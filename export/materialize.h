// Materializing the `.conf` projection: rendering VM states as Proxmox files,
// keeping the live tree in step with the read tables, exporting a tree as of
// any point in the log, and checking the files against their rendering.
#pragma once

#include <optional>
#include <string>

#include "events/store.h"
#include "export/conf_tree.h"
#include "projections/read_model.h"

namespace qmd::exporting {

// The file Proxmox would write for this state (canonical, so its SHA-1 is the
// digest). A value the reader refuses (stored by an earlier version) is
// written as stored, with a warning logged once: it never makes the VM unreadable.
std::string render(const projections::VmState& s);

// Re-renders every VM marked dirty (written after each append, and left
// behind by a crash between commit and file write): writes the file of an
// existing VM under its owner node, removes the file of a destroyed one, then
// clears the mark. Returns the number of files touched.
int sync_dirty(projections::ReadModel& model, const ConfTree& tree);

// Writes the whole tree (nodes/<node>/qemu-server/<vmid>.conf) into `dir` as
// it was at `upto` (everything when upto is empty). Returns the file count.
int export_tree(events::EventStore& store, const std::string& dir, const events::Upto& upto);

struct FileMismatch {
  int64_t vmid = 0;
  int64_t seq = 0;            // last event of that VM
  std::string what;           // one line
};

// Compares every .conf under the tree with the rendering of the read tables:
// missing, extra (a file for a VM that does not exist or on the wrong node) or
// differing files. Returns the first mismatch (by vmid) or nullopt.
std::optional<FileMismatch> verify_conf_files(projections::ReadModel& model, const ConfTree& tree);

}  // namespace qmd::exporting
