// The modes of qm-conformance; each prints one line per case and returns the
// process exit code (0 only when no case failed).
#pragma once

#include <string>

#include <cstdint>

namespace qmd::conformance {

// The VMID the corpus convention (SOURCE.md) parses every config file as.
inline constexpr int64_t kVmid = 8006;

// parse-config INPUT_DIR EXPECTED_DIR (corpus SOURCE.md convention, VMID 8006):
// every *.conf is parsed non-strict and written; the result must equal
// EXPECTED_DIR/<name> if present, else the input. If EXPECTED_DIR/<name>.strict.error
// exists, strict parsing must fail with exactly that text; otherwise strict
// parsing must succeed and write the same bytes.
int run_parse_config(const std::string& input_dir, const std::string& expected_dir);

// roundtrip DIR: every *.conf is parsed non-strict, written, parsed, written;
// both writes must be identical and every key of the input must survive or be
// named by a reader warning. A `# EXPECT_ERROR: <text>` directive that is not
// a parse error (strict parsing succeeds) is reported as a command-line error.
int run_roundtrip(const std::string& dir);

}  // namespace qmd::conformance
