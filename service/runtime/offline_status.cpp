#include "service/runtime/offline_status.h"

#include "service/qemu/qmp_sync.h"
#include "service/runtime/pidfile.h"

namespace qmd::service::runtime {

LiveStatus offline_status(const std::string& run_dir, int64_t vmid, bool query_qmp) {
  LiveStatus st;
  const RunFiles files = run_files(run_dir, vmid);
  const auto pid = read_pidfile(files.pidfile);
  if (!pid || !process_matches(*pid, files.qmp)) return st;
  st.status = st.qmpstatus = "running";
  st.pid = *pid;
  st.uptime_s = process_uptime_s(*pid);
  if (query_qmp) {
    const auto r = qemu::qmp_call_sync(files.qmp, "query-status", nullptr, 2000);
    if (r.ok()) st.qmpstatus = r.value.value("status", st.qmpstatus);
  }
  return st;
}

}  // namespace qmd::service::runtime
