// Running a child process to completion and timing it (benchmarks of whole
// commands). Output is discarded; a non-zero exit aborts the benchmark.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/child_process.h"

namespace qmd::bench {

// Seconds the command took (spawn to exit).
inline double time_process(const std::vector<std::string>& argv) {
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = spawn_child(argv);
  if (pid <= 0) {
    std::fprintf(stderr, "cannot start %s\n", argv.at(0).c_str());
    std::exit(2);
  }
  const int rc = wait_child(pid);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (rc != 0) {
    std::fprintf(stderr, "%s failed\n", argv.at(0).c_str());
    std::exit(2);
  }
  return s;
}

}  // namespace qmd::bench
