#include "service/storage/qemu_img.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <system_error>

#include "service/storage/process.h"
#include "service/storage/storage_error.h"

namespace qmd::storage {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string QemuImg::run(const std::vector<std::string>& args,
                         const std::function<void(std::string_view)>& on_stdout) const {
  std::vector<std::string> argv{program_};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string cmd = command_text(argv);
  spdlog::debug("storage: running {}", cmd);
  ProcessResult r;
  try {
    r = run_process(argv, on_stdout);
  } catch (const std::system_error& e) {
    throw StorageError("command '" + cmd + "' failed: " + e.what());
  }
  if (r.ok()) return r.out;
  std::string why = r.term_signal ? "got signal " + std::to_string(r.term_signal) + " (" +
                                        strsignal(r.term_signal) + ")"
                                  : "exit code " + std::to_string(r.exit_code);
  const std::string err = trimmed(r.err);
  if (!err.empty()) why += ": " + err;
  throw StorageError("command '" + cmd + "' failed: " + why);
}

std::optional<double> parse_progress_record(std::string_view record) {
  const size_t open = record.rfind('(');
  const size_t tail = record.rfind("/100%)");
  if (open == std::string_view::npos || tail == std::string_view::npos || tail < open)
    return std::nullopt;
  const std::string number(record.substr(open + 1, tail - open - 1));
  if (number.empty() || number.find_first_not_of("0123456789.") != std::string::npos)
    return std::nullopt;
  try {
    return std::stod(number);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void ProgressParser::feed(std::string_view chunk) {
  for (char c : chunk) {
    if (c != '\r' && c != '\n') {
      partial_ += c;
      continue;
    }
    if (auto p = parse_progress_record(partial_)) on_percent_(*p);
    partial_.clear();
  }
}

}  // namespace qmd::storage
