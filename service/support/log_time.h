// Times as the log keeps and shows them, and points in the log as users
// name them (`--at`, `--from`, `--to`, `--since`, `--until`).
#pragma once

#include <cstdint>
#include <string>

#include "events/store.h"

namespace qmd::service {

// ms since the epoch, UTC.
int64_t now_ms();
// "2026-11-26T15:04:05.123Z"
std::string format_time_ms(int64_t ms);
// "2026-11-26 15:04:05" (UTC), as Proxmox's listsnapshot prints local time.
std::string format_time_s(int64_t s);

// A point in the log given as `--at`/`--from`/`--to`: digits = a seq; otherwise
// a UTC time `YYYY-MM-DD[THH:MM[:SS[.mmm]]][Z]` (a space may replace T) or
// `@<epoch seconds>`. A time names the END of the period it gives (a date = its
// last millisecond) unless `start_of_period` (used for --since). Throws
// CommandError naming the option for anything else.
events::Upto parse_point(const std::string& option, const std::string& text, bool start_of_period = false);

}  // namespace qmd::service
