// The per-guest lines of startall/stopall ("Starting VM 100", ...): kept for
// the reply's stderr (Proxmox prints them on its task's stderr) and logged by
// qmd as they happen, so the journal shows a boot's progress live.
#pragma once

#include <mutex>
#include <string>

#include <spdlog/spdlog.h>

#include "service/request.h"

namespace qmd::service {

class PassLog {
 public:
  explicit PassLog(std::string verb) : verb_(std::move(verb)) {}

  // Thread-safe. `line` without its '\n'.
  void line(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    spdlog::info("{}: {}", verb_, line);
    text_ += line + "\n";
  }
  void failure(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    spdlog::warn("{}: {}", verb_, line);
    text_ += line + "\n";
    ++failures_;
  }

  // Exit 0 when every guest went as asked, else 255; the lines on stderr.
  Reply reply() const {
    std::lock_guard<std::mutex> lock(mu_);
    return Reply{failures_ == 0 ? 0 : 255, {}, text_};
  }

 private:
  std::string verb_;
  mutable std::mutex mu_;
  std::string text_;
  int failures_ = 0;
};

}  // namespace qmd::service
