// Disk sizes (PVE::JSONSchema parse_size / format_size).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qmd::config {

// "<n>[.<frac>][K|M|G|T][iB]" -> bytes (binary units; fractions truncated
// after scaling, as Perl's int()). nullopt when malformed or above 2^64-1.
std::optional<uint64_t> parse_size(std::string_view text);

// Largest exact binary unit: 34359738368 -> "32G", 2048 -> "2K",
// 1536 -> "1536" (not a whole KiB).
std::string format_size(uint64_t bytes);

// A size as stored in a parsed drive (plain bytes; tolerant: unit suffixes are
// accepted too). Returns 0 for garbage.
uint64_t parse_size_bytes(std::string_view text);

}  // namespace qmd::config
