// Random identifiers: event ids and correlation ids.
#pragma once

#include <string>

namespace qmd::events {

// A random (version 4, RFC 4122 variant) UUID in its canonical lowercase form,
// e.g. "3f2b8c1e-9a4d-4e7f-b1c2-0d9e8f7a6b5c" (36 characters).
// Randomness comes from the kernel (getrandom), buffered per thread; the buffer
// is discarded in a forked child so parent and child never hand out the same id.
// Thread-safe. Throws std::system_error if the kernel source fails.
std::string new_uuid();
// The same, written into *out (no allocation once it has the capacity).
void new_uuid_into(std::string* out);

// A time-ordered (version 7, RFC 9562) UUID for event ids: 48 bits of Unix
// time in milliseconds, then 74 random bits, in the same canonical form.
// Why not v4: event_id has a UNIQUE index, and random keys scatter every
// append over the whole index, so each commit rewrites thousands of index
// pages (bench_event_append, 1M events in 10k-event transactions, CPU time:
// 11.7 s with v4 ids against 5.1-5.6 s with v7; the plain-SQLite floor on the
// same rows 7.4 s / 4.1-5.1 s). With the time first, new ids land at the right
// edge of the index.
// Same randomness source and guarantees as new_uuid().
std::string new_event_id();
void new_event_id_into(std::string* out);

// True when `s` has the canonical form produced by new_uuid() or new_event_id()
// (any version nibble accepted, lowercase hex only).
bool is_uuid(const std::string& s);

}  // namespace qmd::events
