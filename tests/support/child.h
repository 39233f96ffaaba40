// Test helpers: temporary directories and real child processes.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace qmd::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

struct RunResult {
  int exit_code = -1;     // exit status, or 128+signal when killed
  std::string out;
  std::string err;
};

// Runs argv (argv[0] is a path) with `env` added to the current environment,
// waits for it and returns its output. `input` is written to its stdin.
// `on_out`, when given, also gets each piece of stdout the moment it is read
// (to see what a child prints while it runs, not only at its end).
RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
              const std::string& input = {}, const std::function<void(std::string_view)>& on_out = {});

// Runs the shell command `command` on a pseudo-terminal (script(1)), as a
// person at a terminal would: what it writes to stdout and stderr comes back
// in `out`, with "\r\n" line ends.
RunResult run_on_terminal(const std::string& command, const std::map<std::string, std::string>& env = {});

// Whether each of `parts` occurs in `text`, each after the one before it
// (e.g. progress lines in a terminal's output).
bool appear_in_order(const std::string& text, const std::vector<std::string>& parts);

// Starts argv without waiting (stdout/stderr to /dev/null); returns the pid.
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});
// Waits for pid; returns the exit code or 128+signal.
int wait_for(pid_t pid);

// The whole file, or "" when it does not exist.
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);
bool file_exists(const std::string& path);

// Path of a built executable (qm, qmd, qm-conformance) in the build tree.
std::string binary(const std::string& name);

}  // namespace qmd::testing
