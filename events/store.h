// EventStore: the append-only log. The only interface the rest of qmd uses to
// write or read events; nothing outside events/ speaks SQL to the log.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "events/event.h"

namespace qmd::events {

// expected_version for append():
constexpr int64_t kNoStream = 0;     // the stream must not exist yet
constexpr int64_t kAnyVersion = -1;  // no check (use sparingly)

// Thrown by append() when expected_version does not match the stream's version.
// what(): "conflict on stream 'vm/100': expected version 3, found 4" (kNoStream
// is reported as "expected version 0").
class ConflictError : public std::runtime_error {
 public:
  ConflictError(const std::string& stream, int64_t expected, int64_t actual);
  const std::string& stream() const { return stream_; }
  int64_t expected() const { return expected_; }
  int64_t actual() const { return actual_; }

 private:
  std::string stream_;
  int64_t expected_, actual_;
};

// Thrown for any storage failure (I/O, corrupt database, ...). The message names what failed.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AppendResult {
  int64_t first_seq = 0;        // seq of the first event of this append
  int64_t last_seq = 0;         // seq of the last one
  int64_t stream_version = 0;   // the stream's version after the append
  bool duplicate = false;       // true: event_ids were already stored; nothing appended,
                                // the original positions are returned
};

// Called inside the append transaction, after the events are inserted and
// before commit. If it throws, the whole append is rolled back and the
// exception propagates. This is how the inline projector keeps read tables
// consistent with the log. Not called when nothing was appended (every element
// a duplicate).
using AppendHook = std::function<void(const std::vector<Event>& appended)>;

// A point in the log for as-of reads: events with seq <= seq AND recorded_at <= time_ms.
struct Upto {
  std::optional<int64_t> seq;
  std::optional<int64_t> time_ms;
  bool admits(const Event& e) const {
    return (!seq || e.seq <= *seq) && (!time_ms || e.recorded_at <= *time_ms);
  }
};

// Current UTC time in milliseconds since the epoch: what stores stamp events
// with. Tests inject a fake Clock.
using Clock = std::function<int64_t()>;
int64_t system_clock_ms();

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Appends `events` to `stream` atomically and durably (on disk when it returns).
  // Requires: events non-empty; all share `meta`.
  // Throws ConflictError if expected_version != kAnyVersion and the stream's current
  // version differs. If the first event's event_id is already stored (a retried
  // command), nothing is appended and the original positions are returned with
  // duplicate = true (checked before the expected version, which a retry no
  // longer matches). Concurrent writers wait (busy timeout) rather than fail.
  virtual AppendResult append(const std::string& stream, int64_t expected_version,
                              const std::vector<NewEvent>& events, const Meta& meta,
                              const AppendHook& hook = nullptr) = 0;

  // Several appends (possibly to different streams) in ONE transaction: all or
  // nothing. Each element is checked and de-duplicated as append() does. Used by
  // imports and bulk loads. The hook sees every appended event of the batch.
  struct StreamAppend {
    std::string stream;
    int64_t expected_version = kAnyVersion;
    std::vector<NewEvent> events;
    Meta meta;
  };
  virtual std::vector<AppendResult> append_batch(const std::vector<StreamAppend>& batch,
                                                 const AppendHook& hook = nullptr) = 0;

  // The stream's events in version order, optionally only up to a point and
  // only those after `after_version` (as-of folds start from a checkpoint).
  virtual std::vector<Event> read_stream(const std::string& stream, const Upto& upto = {},
                                         int64_t after_version = 0) = 0;

  // Calls fn for every event with seq >= from_seq, in seq order; stops early if fn returns false.
  // The Event is valid only during the call (it may be reused for the next one): copy what you keep.
  virtual void read_all(int64_t from_seq, const std::function<bool(const Event&)>& fn,
                        const Upto& upto = {}) = 0;

  // As read_all(), but hands over undecoded events (no JSON parsing at all).
  virtual void read_all_raw(int64_t from_seq, const std::function<bool(const RawEvent&)>& fn,
                            const Upto& upto = {}) = 0;

  // Current version of a stream (0 if it does not exist).
  virtual int64_t stream_version(const std::string& stream) = 0;

  // Highest seq in the log (0 when empty).
  virtual int64_t head_seq() = 0;

  // Streams whose name starts with prefix (e.g. "vm/"), sorted.
  virtual std::vector<std::string> streams(const std::string& prefix) = 0;

  // Re-computes the hash chain over the whole log. Returns the seq of the first
  // event whose stored hash or position is not what the chain says, or nullopt
  // when the chain is intact. `why` receives a one-line explanation.
  virtual std::optional<int64_t> verify_chain(std::string* why) = 0;
};

}  // namespace qmd::events
