// Description comment lines (spec §2.1 step 3, §2.3 layout step 1).
#pragma once

#include <string>
#include <string_view>

namespace qmd::config {

// Percent-escapes every byte < 0x20, '%', ':' and >= 0x7F; everything else
// (including space and '#') stays literal. Input is one line of UTF-8 text.
std::string encode_description_line(std::string_view line);

// URI-unescapes (%XX, any case; malformed escapes stay literal), then decodes
// UTF-8: invalid sequences become U+FFFD (as Perl's lax decode does).
std::string decode_description_line(std::string_view text);

// The `#` lines of a description: one "#<encoded line>\n" per line (split on
// '\n', trailing empty lines dropped as Perl's split does). Returns "" for an
// empty description and for "0" (Perl-false), except that `pending` turns an
// empty/false description into the lone "#\n" line.
std::string encode_description(std::string_view description, bool pending);

// Removes trailing whitespace (ASCII and Unicode spaces, as Perl's \s on
// decoded text) -- applied to the accumulated description at section end.
std::string trim_trailing_space(std::string_view text);

}  // namespace qmd::config
