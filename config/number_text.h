// The one reading of numbers and integers in option values, shared by the
// write path (check_prop, what `qm set` accepts) and the read path
// (check_type, what the .conf reader and the fold's rendering accept), so
// that a value once accepted is readable forever.
//
// Accepted spellings are those of Proxmox's JSON schema (is_number:
// ^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$, is_integer: ^[+-]?\d+$).
// What is stored is the canonical decimal text Proxmox's own .conf reader
// takes (^\d+(\.\d+)?$ for the non-negative values every option has), so a
// .conf written by qmd is also readable by Proxmox.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qmd::config {

// The canonical decimal text of a number spelt as Proxmox's schema allows.
// A value already in the reader's form (^\d+(\.\d+)?$, "1.50", "007") is
// returned unchanged, byte for byte; any other spelling becomes:
// no sign for zero or positives ("-0" -> "0", "+1" -> "1"), no exponent
// ("1e3" -> "1000", "1e-3" -> "0.001"), no leading zeros before the point,
// no trailing zeros after it, no empty side ("1." -> "1", ".5" -> "0.5").
// The conversion is exact (digit strings, never a double).
// Returns nullopt when `text` is not such a spelling, or when its value is
// not a finite double or needs more than kMaxNumberDigits digits (1e400,
// 1e-400): such a value could be stored but not used.
std::optional<std::string> canonical_number(std::string_view text);

// The canonical decimal text of an integer ("+007" -> "7", "-0" -> "0").
// Returns nullopt when `text` is not ^[+-]?\d+$ or does not fit in int64
// (qmd computes with int64: "99999999999999999999" could not be used).
std::optional<std::string> canonical_integer(std::string_view text);

inline constexpr std::size_t kMaxNumberDigits = 40;

}  // namespace qmd::config
