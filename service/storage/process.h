// Running a child process without a shell: stdin on /dev/null, stdout
// streamed to a callback (or collected), stderr collected. The child dies with
// the thread that started it (PR_SET_PDEATHSIG): a qemu-img copy never
// outlives a killed qm or qmd.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace qmd::storage {

struct ProcessResult {
  int exit_code = -1;    // the exit status, or -1 when killed by a signal
  int term_signal = 0;   // the signal that ended it, 0 otherwise
  std::string out;       // stdout, unless it was streamed to on_stdout
  std::string err;       // stderr, complete

  bool ok() const { return exit_code == 0; }
};

// Runs argv[0] (looked up in PATH) with argv and waits for it to end; the
// calling thread must stay alive until then (it does: this call blocks).
// on_stdout, when set, receives stdout in chunks as they arrive (nothing is
// kept in `out`). Throws std::system_error when the process cannot be started
// (e.g. the program does not exist). Requires: argv is not empty.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::function<void(std::string_view)>& on_stdout = {});

// argv joined by spaces, words with spaces or quotes single-quoted: for messages.
std::string command_text(const std::vector<std::string>& argv);

}  // namespace qmd::storage
