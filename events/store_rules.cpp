#include "events/store_rules.h"

#include <stdexcept>

#include <fmt/format.h>

namespace qmd::events {

void check_append_arguments(const std::string& stream, int64_t expected_version,
                            const std::vector<NewEvent>& events) {
  if (stream.empty()) throw std::invalid_argument("append: the stream name is empty");
  if (events.empty()) throw std::invalid_argument(fmt::format("append to stream '{}': no events", stream));
  if (expected_version < kAnyVersion)
    throw std::invalid_argument(
        fmt::format("append to stream '{}': invalid expected version {}", stream, expected_version));
  for (const NewEvent& ne : events)
    if (ne.type.empty())
      throw std::invalid_argument(fmt::format("append to stream '{}': an event has an empty type", stream));
}

std::string payload_text(const std::string& stream, const NewEvent& e) {
  try {
    return e.payload.dump();
  } catch (const nlohmann::json::exception& x) {
    throw std::invalid_argument(
        fmt::format("append to stream '{}': the payload of '{}' cannot be stored: {}", stream, e.type, x.what()));
  }
}

// The earlier append's events are contiguous in seq (one transaction), which
// is checked against the stored rows.
AppendResult retry_result(const std::string& stream, const std::vector<NewEvent>& events, const StoredFirst& first,
                          const std::optional<StoredAt>& at_last) {
  const std::string& first_id = events.front().event_id;
  if (first.stream != stream)
    throw StoreError(fmt::format("append to stream '{}': event_id '{}' is already stored in stream '{}'", stream,
                                 first_id, first.stream));
  const int64_t count = static_cast<int64_t>(events.size());
  AppendResult r{first.seq, first.seq + count - 1, first.version + count - 1, true};
  const std::string& last_id = events.back().event_id;
  if (!at_last || at_last->stream != stream || at_last->version != r.stream_version ||
      (!last_id.empty() && at_last->event_id != last_id))
    throw StoreError(fmt::format(
        "append to stream '{}': event_id '{}' is already stored (seq {}), but by an append of other events",
        stream, first_id, first.seq));
  return r;
}

nlohmann::json parse_stored(std::string_view text, int64_t seq, const char* column) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(fmt::format("event seq {}: stored {} is not valid JSON: {}", seq, column, e.what()));
  }
}

bool ChainVerifier::next(const ChainFields& f, std::string_view stored_hash) {
  if (fault_) return false;
  auto fail = [&](std::string reason) {
    fault_ = f.seq;
    why_ = std::move(reason);
    return false;
  };
  if (f.seq != expected_seq_)
    return fail(fmt::format("seq {}: expected seq {} (gap in the log)", f.seq, expected_seq_));
  int64_t& stream_version = versions_[std::string(f.stream)];
  if (f.version != stream_version + 1)
    return fail(fmt::format("seq {}: stream '{}' version {} follows version {}", f.seq, f.stream, f.version,
                            stream_version));
  std::string computed = hasher_.next(previous_, f);
  if (stored_hash != computed)
    return fail(fmt::format("seq {}: stored hash {} differs from the computed {}", f.seq, stored_hash, computed));
  stream_version = f.version;
  previous_ = std::move(computed);
  ++expected_seq_;
  return true;
}

std::optional<int64_t> ChainVerifier::result(std::string* why) const {
  if (why) *why = fault_ ? why_ : fmt::format("chain intact over {} events", expected_seq_ - 1);
  return fault_;
}

}  // namespace qmd::events
