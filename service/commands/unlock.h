// Removing a VM's `lock:` (qm unlock, and startall's clearing of stale backup
// locks): one unlock event naming the lock released and who released it.
#pragma once

#include <cstdint>
#include <string>

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

// Removes the VM's lock, or only a lock equal to `only` when `only` is not "".
// Returns the lock removed ("" when nothing was removed). Throws CommandError
// when the VM does not exist.
std::string remove_lock(App& app, int64_t vmid, const Request& req, const std::string& only = {});

}  // namespace qmd::service
