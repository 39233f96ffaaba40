// The one way service/storage/ runs qemu-img: no shell, stderr captured, and
// failure turned into a StorageError naming the command and qemu-img's words:
//   "command 'qemu-img resize -f raw /d/images/100/vm-100-disk-0.raw 1024' failed:
//    exit code 1: qemu-img: Use the --shrink option to perform a shrink operation."
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qmd::storage {

class QemuImg {
 public:
  // program: the qemu-img executable (a name looked up in PATH, or a path).
  explicit QemuImg(std::string program = "qemu-img") : program_(std::move(program)) {}

  // Runs `<program> <args...>` and returns its stdout. With on_stdout set,
  // stdout is streamed to it instead and "" is returned.
  // Throws StorageError when qemu-img cannot be started, is killed, or exits non-zero.
  std::string run(const std::vector<std::string>& args,
                  const std::function<void(std::string_view)>& on_stdout = {}) const;

  const std::string& program() const { return program_; }

 private:
  std::string program_;
};

// Splits qemu-img's `-p` output (records ending in \r or \n) and reports each
// percentage, e.g. "    (42.50/100%)\r" -> 42.5. Keeps partial records
// between chunks. Feed it every chunk of stdout.
class ProgressParser {
 public:
  explicit ProgressParser(std::function<void(double)> on_percent)
      : on_percent_(std::move(on_percent)) {}
  void feed(std::string_view chunk);

 private:
  std::function<void(double)> on_percent_;
  std::string partial_;
};

// The percentage in one progress record, nullopt when it holds none.
std::optional<double> parse_progress_record(std::string_view record);

}  // namespace qmd::storage
