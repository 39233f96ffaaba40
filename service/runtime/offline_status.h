// What a process without qmd can learn about a VM's runtime: the pidfile qmd
// leaves in the run directory and the process it names (as Proxmox reads its
// pidfiles), and — when asked for — the status QEMU reports over QMP.
#pragma once

#include <cstdint>
#include <string>

#include "service/runtime/supervisor.h"

namespace qmd::service::runtime {

// status "running" with the pid when <run_dir>/<vmid>.pid names a live
// process whose command line names the VM's QMP socket (a recycled pid does
// not count), else stopped. qmpstatus: with `query_qmp`, QEMU's query-status
// answer (falls back to "running" when QMP does not answer within 2 s).
LiveStatus offline_status(const std::string& run_dir, int64_t vmid, bool query_qmp);

}  // namespace qmd::service::runtime
