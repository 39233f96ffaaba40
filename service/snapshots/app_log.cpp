#include "service/snapshots/app_log.h"

#include "config/delta.h"
#include "events/ids.h"
#include "projections/vm_events.h"
#include "service/support/vm_access.h"

namespace qmd::service::snapshots {

config::ConfigFile AppLog::load() {
  projections::VmState s = load_existing(app_, vmid_);
  version_ = s.version;
  return s.conf;
}

void AppLog::record(const Entry& entry, const config::ConfigFile& before, const config::ConfigFile& after) {
  namespace t = projections::event_type;
  if (entry.phase == Phase::kStarted || op_id_.empty()) op_id_ = events::new_uuid();
  nlohmann::json p = {{"op_id", op_id_}};
  const char* type = t::kOperationStep;
  switch (entry.phase) {
    case Phase::kStarted:
      type = t::kOperationStarted;
      p["op"] = entry.op;
      p["detail"] = entry.detail;
      break;
    case Phase::kStep:
      p["step"] = entry.text;
      p["detail"] = entry.detail;
      break;
    case Phase::kCompleted:
      type = t::kOperationCompleted;
      if (!entry.detail.empty()) p["detail"] = entry.detail;
      break;
    case Phase::kFailed:
      type = t::kOperationFailed;
      p["error"] = entry.text;
      break;
  }
  p["delta"] = projections::delta_json(before, after);
  version_ = app_.commit(vmid_, version_, {{type, 1, p, {}}}, req_).stream_version;
}

}  // namespace qmd::service::snapshots
