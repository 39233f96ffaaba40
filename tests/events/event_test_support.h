// Helpers for the events/ tests: a temporary directory per test and shorthands
// for building events.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "events/event.h"

namespace qmd::events::testing {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "qmd-events-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline NewEvent ev(const std::string& type, nlohmann::json payload = nlohmann::json::object(),
                   std::string event_id = {}) {
  NewEvent e;
  e.type = type;
  e.payload = std::move(payload);
  e.event_id = std::move(event_id);
  return e;
}

inline Meta test_meta(const std::string& command = "qm test") {
  Meta m;
  m.user = "root@pam";
  m.uid = 0;
  m.pid = 4242;
  m.node = "node1";
  m.command = command;
  m.correlation_id = "c0ffee00-0000-4000-8000-000000000001";
  return m;
}

}  // namespace qmd::events::testing
