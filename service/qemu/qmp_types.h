// Values exchanged with a QMP peer (QEMU's JSON machine protocol): command results, errors and
// asynchronous events. Pure data, shared by the async client and the blocking convenience.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace qmd::qemu {

// Error classes the client itself produces. Anything else in QmpError::error_class comes from
// QEMU's {"error": {"class": ..., "desc": ...}} reply (e.g. "CommandNotFound", "GenericError").
namespace qmp_errc {
inline constexpr const char* kTimeout = "Timeout";              // no reply within the command's timeout
inline constexpr const char* kConnectFailed = "ConnectFailed";  // socket/greeting/capabilities failed
inline constexpr const char* kDisconnected = "Disconnected";    // peer closed / read or write error
inline constexpr const char* kProtocolError = "ProtocolError";  // peer sent something that is not QMP
inline constexpr const char* kClosed = "Closed";                // the owner closed the client
}  // namespace qmp_errc

struct QmpError {
  std::string error_class;  // QEMU's class, or one of qmp_errc
  std::string desc;         // human-readable detail

  // "<class>: <desc>", for messages and logs.
  std::string to_string() const { return error_class + ": " + desc; }
};

// The outcome of one command: either error is set, or value holds the reply's "return" member.
struct QmpResult {
  std::optional<QmpError> error;
  nlohmann::json value;

  bool ok() const { return !error.has_value(); }
};

// An asynchronous event, e.g. {"event":"SHUTDOWN","data":{...},"timestamp":{...}}.
struct QmpEvent {
  std::string name;          // "SHUTDOWN", "STOP", "RESUME", "BALLOON_CHANGE", ...
  nlohmann::json data;       // the "data" member, or an empty object when absent
  nlohmann::json timestamp;  // {"seconds":..,"microseconds":..} as sent, or null
};

}  // namespace qmd::qemu
