// Following the shared log into this node's `.conf` tree. Several nodes (each
// with its own tree) share one database; the dirty marks of sync_dirty() are
// cleared by whichever process renders first, so each tree also keeps its own
// cursor: the highest `last_seq` of the read table it has caught up with.
#pragma once

#include <string>

#include "export/conf_tree.h"
#include "projections/read_model.h"

namespace qmd::exporting {

// Brings `tree` up to date with every VM row changed after the cursor stored
// in `cursor_path` (absent/unreadable: 0, i.e. every row): writes the file of
// an existing VM under its owner node when its bytes differ, removes the file
// of a destroyed one; then stores the new cursor (not fsynced: a lost cursor
// only means re-reading files). Returns the number of files written or removed.
// Throws std::runtime_error naming the path when a file cannot be written.
int follow_log(projections::ReadModel& model, const ConfTree& tree, const std::string& cursor_path);

}  // namespace qmd::exporting
