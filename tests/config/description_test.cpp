// Description comment encoding (spec §2.1 step 3, §2.3).
#include <catch2/catch.hpp>

#include "config/description.h"

using namespace qmd::config;

TEST_CASE("encode escapes control chars, %, : and non-ASCII bytes") {
  CHECK(encode_description_line("plain text # ok") == "plain text # ok");
  CHECK(encode_description_line("a:b") == "a%3Ab");
  CHECK(encode_description_line("100%") == "100%25");
  CHECK(encode_description_line("tab\there") == "tab%09here");
  CHECK(encode_description_line("\x7f") == "%7F");
  CHECK(encode_description_line("gr\xC3\xBC\xC3\x9F") == "gr%C3%BC%C3%9F");
}

TEST_CASE("decode reverses encode, keeps malformed escapes, repairs invalid UTF-8") {
  for (std::string s : {"a:b", "100%", "t\tx", "gr\xC3\xBC\xC3\x9F", "\xE2\x82\xAC 5", "#x"})
    CHECK(decode_description_line(encode_description_line(s)) == s);
  CHECK(decode_description_line("50%") == "50%");
  CHECK(decode_description_line("%zz%4") == "%zz%4");
  CHECK(decode_description_line("%3a") == ":");
  CHECK(decode_description_line("%FF") == "\xEF\xBF\xBD");
}

TEST_CASE("multi-line descriptions and the empty pending description") {
  CHECK(encode_description("line 1\nline: 2\n\nlast", false) == "#line 1\n#line%3A 2\n#\n#last\n");
  CHECK(encode_description("trailing\n\n", false) == "#trailing\n");
  CHECK(encode_description("", false).empty());
  CHECK(encode_description("0", false).empty());
  CHECK(encode_description("", true) == "#\n");
  CHECK(trim_trailing_space("x \t\n\xC2\xA0") == "x");
}
