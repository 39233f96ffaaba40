// A line client of qmd's socket for tests, over service/client: sends request
// lines as a third-party client would (no qm in between) and reads the answer
// line by line as it arrives, each stamped with its arrival time, so tests can tell lines sent
// while a command runs from lines sent at its end.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "service/client/qmd_client.h"

namespace qmd::testing {

// A connection (service/client) to the unix socket at path; throws
// std::runtime_error when nothing answers there.
inline service::client::Connection connect_unix(const std::string& path) {
  auto c = service::client::Connection::open(path);
  if (!c) throw std::runtime_error("cannot connect to " + path);
  return std::move(*c);
}

struct ArrivedLine {
  nlohmann::json json;
  std::chrono::steady_clock::time_point at;
};

class LineClient {
 public:
  // Connects to the unix socket at path; throws std::runtime_error when nothing answers.
  explicit LineClient(const std::string& path) : conn_(connect_unix(path)) {}
  LineClient(const LineClient&) = delete;
  LineClient& operator=(const LineClient&) = delete;

  // Sends j as one line; throws when the socket refuses it.
  void send(const nlohmann::json& j) { conn_->write(j.dump() + "\n"); }

  // The next line (parsed) with the time it was read; nullopt when nothing
  // complete came within timeout_ms or qmd closed the connection.
  std::optional<ArrivedLine> next(int timeout_ms = 120000) {
    if (!conn_) return std::nullopt;
    try {
      auto line = conn_->read_line(timeout_ms);
      if (!line) return std::nullopt;
      return ArrivedLine{nlohmann::json::parse(*line), std::chrono::steady_clock::now()};
    } catch (const std::runtime_error&) {
      return std::nullopt;  // closed by qmd
    }
  }

  // Hangs up (a client going away mid-request).
  void close() { conn_.reset(); }

 private:
  std::optional<service::client::Connection> conn_;
};

}  // namespace qmd::testing
