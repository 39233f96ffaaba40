// The per-guest lines of startall/stopall ("Starting VM 100", ...), on the
// user's stderr as Proxmox prints them on its task's: live as they happen when
// the request has a live sink (qm in-process, or a qmd client that asked for
// progress), else kept for the reply's stderr. Either way logged by qmd as they
// happen, so the journal shows a boot's progress too.
#pragma once

#include <mutex>
#include <string>

#include <spdlog/spdlog.h>

#include "service/request.h"

namespace qmd::service {

class PassLog {
 public:
  // `req` must outlive the PassLog.
  PassLog(std::string verb, const Request& req) : verb_(std::move(verb)), req_(req) {}

  // Thread-safe. `line` without its '\n'.
  void line(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    spdlog::info("{}: {}", verb_, line);
    emit(line);
  }
  void failure(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    spdlog::warn("{}: {}", verb_, line);
    emit(line);
    ++failures_;
  }

  // Exit 0 when every guest went as asked, else 255; on stderr the lines not
  // already shown live.
  Reply reply() const {
    std::lock_guard<std::mutex> lock(mu_);
    return Reply{failures_ == 0 ? 0 : 255, {}, text_};
  }

 private:
  // Under mu_, so live lines keep their order across worker threads.
  void emit(const std::string& line) {
    if (req_.live) req_.live(OutStream::err, line + "\n");
    else text_ += line + "\n";
  }

  std::string verb_;
  const Request& req_;
  mutable std::mutex mu_;
  std::string text_;
  int failures_ = 0;
};

}  // namespace qmd::service
