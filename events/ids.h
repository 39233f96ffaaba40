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

// True when `s` has the canonical form produced by new_uuid() (any version
// nibble accepted, lowercase hex only).
bool is_uuid(const std::string& s);

}  // namespace qmd::events
