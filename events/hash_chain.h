// The hash chain that makes the log tamper-evident.
//
// Every event row stores
//     hash = lowercase_hex( SHA-256( previous_hash || canonical_bytes(event) ) )
// where previous_hash is the 64 ASCII characters of the stored hash of the event
// at seq - 1, or kGenesisHash (64 '0' characters) for seq 1.
//
// canonical_bytes(event) is the concatenation, in this order, of nine fields
//     seq, event_id, stream, version, type, schema, payload, meta, recorded_at
// each encoded as
//     8-byte big-endian unsigned length of the field's bytes, then the bytes.
// Integers (seq, version, schema, recorded_at) are their shortest decimal ASCII
// text ("-" for negatives, no leading zeros, "0" for zero). payload and meta are
// the exact TEXT stored in the row (the store writes nlohmann::json::dump() of
// them, objects with keys in sorted order, no whitespace), so verification
// hashes the stored bytes and never re-serialises JSON.
//
// Example: seq 1 contributes 00 00 00 00 00 00 00 01 '1'.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace qmd::events {

// previous_hash of the first event.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The hashed fields of one event, as stored.
struct ChainFields {
  int64_t seq = 0;
  std::string_view event_id;
  std::string_view stream;
  int64_t version = 0;
  std::string_view type;
  int64_t schema = 0;
  std::string_view payload;
  std::string_view meta;
  int64_t recorded_at = 0;
};

// Appends canonical_bytes(f) (see above) to *out.
void append_canonical_bytes(const ChainFields& f, std::string* out);

// Computes chain hashes; reuses its digest context and buffer, so keep one per
// store for bulk work. Not thread-safe (one per thread).
class ChainHasher {
 public:
  ChainHasher();
  ~ChainHasher();
  ChainHasher(const ChainHasher&) = delete;
  ChainHasher& operator=(const ChainHasher&) = delete;

  // Returns the 64-character lowercase hex hash of the event `f` following
  // `previous_hash`. Throws std::runtime_error if libcrypto fails.
  std::string next(std::string_view previous_hash, const ChainFields& f);
  // The same, written into *out (resized to 64; no allocation once it has the
  // capacity). `out` may alias `previous_hash`.
  void next_into(std::string_view previous_hash, const ChainFields& f, std::string* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot convenience over ChainHasher.
std::string chain_hash(std::string_view previous_hash, const ChainFields& f);

}  // namespace qmd::events
