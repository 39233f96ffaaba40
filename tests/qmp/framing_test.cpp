#include "service/qemu/qmp_framing.h"

#include <catch2/catch.hpp>

using qmd::qemu::QmpLineSplitter;

TEST_CASE("framing: a line split across reads comes out once complete", "[qmp][framing]") {
  QmpLineSplitter s;
  std::vector<std::string> lines;
  REQUIRE(s.feed(R"({"return": )", lines));
  CHECK(lines.empty());
  CHECK(s.pending_bytes() == 11);
  REQUIRE(s.feed("{}}\r", lines));
  CHECK(lines.empty());
  REQUIRE(s.feed("\n", lines));
  REQUIRE(lines == std::vector<std::string>{R"({"return": {}})"});
  CHECK(s.pending_bytes() == 0);
}

TEST_CASE("framing: several messages in one read, blank lines dropped", "[qmp][framing]") {
  QmpLineSplitter s;
  std::vector<std::string> lines;
  REQUIRE(s.feed("{\"a\":1}\r\n\r\n{\"b\":2}\n  \n{\"c\":", lines));
  REQUIRE(lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
  REQUIRE(s.feed("3}\r\n", lines));
  REQUIRE(lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"});
}

TEST_CASE("framing: byte-at-a-time delivery", "[qmp][framing]") {
  QmpLineSplitter s;
  std::vector<std::string> lines;
  const std::string stream = "{\"x\":\"a\\nb\"}\r\n{\"y\":[]}\r\n";
  for (char c : stream) REQUIRE(s.feed(std::string_view(&c, 1), lines));
  REQUIRE(lines == std::vector<std::string>{"{\"x\":\"a\\nb\"}", "{\"y\":[]}"});
}

TEST_CASE("framing: an unterminated line over the limit overflows for good", "[qmp][framing]") {
  QmpLineSplitter s(8);
  std::vector<std::string> lines;
  REQUIRE(s.feed("12345678", lines));  // exactly the limit is still fine
  CHECK(s.feed("9\nok\n", lines));  // a complete line may exceed the limit: only buffering is bounded
  REQUIRE(lines == std::vector<std::string>{"123456789", "ok"});
  CHECK_FALSE(s.feed("abcdefghi", lines));
  CHECK(s.overflowed());
  CHECK_FALSE(s.feed("\n", lines));
  CHECK(lines.size() == 2);
}
