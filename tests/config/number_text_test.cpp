// One reading of numbers for the write path and the reader (issue #13 point
// 1): whatever `qm set` accepts reads back, forever.
#include <catch2/catch.hpp>

#include "config/config_error.h"
#include "config/number_text.h"
#include "config/reader.h"
#include "config/schema.h"
#include "config/writer.h"

using namespace qmd::config;

TEST_CASE("canonical_number: every spelling of Proxmox's schema, as the reader's decimal form") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0", "0"},       {"1.50", "1.50"}, {"007", "007"},   {"-0", "0"},          {"+0", "0"},
      {"-0.0", "0"},    {"-00", "0"},     {"+1", "1"},      {"1.", "1"},          {".5", "0.5"},
      {"1e3", "1000"},  {"1E3", "1000"},  {"1e-3", "0.001"}, {"0.1e1", "1"},      {"12.5e-1", "1.25"},
      {"-1.5", "-1.5"}, {"+.25", "0.25"}, {"1.e2", "100"},  {"0000.5000", "0000.5000"}, {"00.50e0", "0.5"}};
  for (const auto& [in, out] : cases) {
    INFO(in);
    REQUIRE(canonical_number(in).has_value());
    CHECK(*canonical_number(in) == out);
  }
  for (const char* bad : {"", ".", "+", "-", "e3", "1e", "1e+", "1.2.3", "0x10", "1,5", " 1", "1 ", "inf", "nan",
                          "1e400", "1e-400", "1e99999999999999999999", "1e40", "1e-40"}) {
    INFO(bad);
    CHECK_FALSE(canonical_number(bad).has_value());
  }
  CHECK(*canonical_number("1e39") == "1" + std::string(39, '0'));
}

TEST_CASE("canonical_integer: int64, without sign for non-negatives and without leading zeros") {
  CHECK(*canonical_integer("0") == "0");
  CHECK(*canonical_integer("-0") == "0");
  CHECK(*canonical_integer("+007") == "7");
  CHECK(*canonical_integer("-12") == "-12");
  CHECK(*canonical_integer("9223372036854775807") == "9223372036854775807");
  CHECK(*canonical_integer("-9223372036854775808") == "-9223372036854775808");
  CHECK(*canonical_integer("0009223372036854775807") == "9223372036854775807");
  for (const char* bad : {"", "+", "-", "1.0", "1e3", "9223372036854775808", "-9223372036854775809",
                          "99999999999999999999", " 1"}) {
    INFO(bad);
    CHECK_FALSE(canonical_integer(bad).has_value());
  }
}

TEST_CASE("accepted means readable: every option x edge values, check_value then the reader and the writer") {
  const std::vector<std::string> edges = {
      "-0", "+0", "-0.0", "+1", "1.", ".5", "1e3", "1E3", "1e-3", "1e400", "0.1e1", "-00", "0", "1", "2",
      "-1", "16", "512", "1024", "99999999999999999999", "9223372036854775807", "9223372036854775808",
      "-9223372036854775809", "0.5", "1.50", "007", "on", "yes", "true", "x", "local:../../x",
      "local:100/vm-100-disk-0.raw", "local:4", "virtio", "e1000", "host", "q35", "pc", "order=scsi0",
      "1,2", "a b", "%41", "ü"};
  std::size_t accepted = 0, tried = 0;
  for (const OptionDef& family : option_families()) {
    const std::string key(family.name);
    if (key == "description") continue;  // free text, its own encoding
    for (const std::string& raw : edges) {
      ++tried;
      std::string stored;
      try {
        stored = check_value(key, raw);
      } catch (const ConfigError&) {
        continue;  // refused: fine, nothing was written
      }
      ++accepted;
      INFO(key << ": " << raw << " stored as '" << stored << "'");
      // The reader takes the stored text, unchanged (a fixpoint)...
      std::string read;
      REQUIRE_NOTHROW(read = check_type(key, stored));
      CHECK(read == check_type(key, read));
      // ...and a .conf holding it writes and parses back strictly.
      ConfigFile conf;
      conf.main[key] = stored;
      std::string text;
      REQUIRE_NOTHROW(text = write_config(conf));
      REQUIRE_NOTHROW(parse_config(text, 100, true));
    }
  }
  INFO("accepted " << accepted << " of " << tried);
  CHECK(accepted > 100);
}

TEST_CASE("values the write path refuses, with a message naming them") {
  auto refusal = [](const std::string& key, const std::string& value) {
    try {
      check_value(key, value);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK(refusal("cpulimit", "1e400") == "number out of range - got '1e400'");
  CHECK(refusal("migrate_downtime", "1e-400") == "number out of range - got '1e-400'");
  CHECK(refusal("memory", "99999999999999999999").find("out of range") != std::string::npos);
  CHECK(refusal("cores", "9223372036854775808") == "integer out of range - got '9223372036854775808'");
  CHECK(refusal("cpulimit", "-1") == "value must have a minimum value of 0");
  CHECK(check_value("cpulimit", ".5") == "0.5");
  CHECK(check_value("migrate_downtime", "1e3") == "1000");
  CHECK(check_value("migrate_downtime", "-0") == "0");
  CHECK(check_value("cores", "+04") == "4");
}

TEST_CASE("the reader takes what earlier versions stored (.5, 1e3), as the canonical form") {
  CHECK(check_type("cpulimit", ".5") == "0.5");
  CHECK(check_type("migrate_downtime", "1E3") == "1000");
  CHECK(check_type("cpulimit", "1.50") == "1.50");  // Proxmox's form kept byte for byte
  CHECK_THROWS_WITH(check_type("cpulimit", "-1"), "type check ('number') failed - got '-1'");
  CHECK_THROWS_WITH(check_type("cores", "+4"), "type check ('integer') failed - got '+4'");
  CHECK_THROWS_WITH(check_type("cores", "99999999999999999999"),
                    "integer out of range - got '99999999999999999999'");
}
