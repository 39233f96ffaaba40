// How qmd runs autoballoon (qmd options, see service/daemon/options.h).
#pragma once

#include <cstdint>
#include <string>

namespace qmd::autoballoon {

struct AutoballoonSettings {
  std::uint64_t interval_ms = 10000;      // one cycle every interval (pvestatd: 10 s); 0 = off
  int target_percent = 80;                // node option `ballooning-target`, 0..100
  std::string meminfo = "/proc/meminfo";  // host memory figures, in /proc/meminfo's format
  int audit_max_cycles = 6;               // longest series coalesced into one event (target_audit.h)
  int qmp_timeout_ms = 5000;              // per QMP command of a cycle
};

}  // namespace qmd::autoballoon
