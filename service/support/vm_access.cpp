#include "service/support/vm_access.h"

#include "config/writer.h"
#include "export/materialize.h"
#include "service/request.h"

namespace qmd::service {

projections::VmState load_existing(App& app, int64_t vmid) {
  auto s = app.model().load(vmid);
  if (!s.exists) {
    throw CommandError("Configuration file 'nodes/" + app.env().node + "/qemu-server/" + std::to_string(vmid) +
                       ".conf' does not exist");
  }
  return s;
}

void check_lock(const projections::VmState& s, bool skiplock) {
  if (skiplock) return;
  const std::string lock = s.lock();
  if (!lock.empty()) throw CommandError("VM is locked (" + lock + ")");
}

CommandError vm_already_exists(int64_t vmid) {
  return CommandError("unable to create VM " + std::to_string(vmid) + ": config file already exists");
}

std::string digest_of(const projections::VmState& s) { return config::config_digest(exporting::render(s)); }

}  // namespace qmd::service
