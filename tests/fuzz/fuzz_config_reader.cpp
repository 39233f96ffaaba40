// libFuzzer target for the config reader/writer.
//
// Invariants checked on every input:
//  * non-strict parsing never throws;
//  * strict parsing either succeeds with no warnings or throws ConfigError
//    whose text is the first non-strict warning;
//  * whatever the non-strict parse accepted is written without error, and
//    writing is idempotent: parse(write(c)) writes the same bytes again.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/config_error.h"
#include "config/reader.h"
#include "config/writer.h"

using namespace qmd::config;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseResult loose = parse_config(text, 8006, false);
  try {
    ParseResult strict = parse_config(text, 8006, true);
    if (!strict.warnings.empty() || !loose.warnings.empty()) std::abort();
  } catch (const ConfigError& e) {
    // what() is a C string: an input NUL byte quoted in the message ends it.
    if (loose.warnings.empty()) std::abort();
    const std::string& first = loose.warnings.front();
    if (first.substr(0, first.find('\0')) != e.what()) std::abort();
  }
  std::string w1;
  try {
    w1 = write_config(loose.conf);
  } catch (const ConfigError&) {
    // Only possible for inputs the reader keeps verbatim (args, special sections).
    return 0;
  }
  ParseResult again = parse_config(w1, 8006, false);
  std::string w2 = write_config(again.conf);
  if (w1 != w2) std::abort();
  (void)config_digest(w1);
  return 0;
}
