// The reference parse-config fixtures (skipped when the corpus is absent).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_error.h"
#include "config/reader.h"
#include "config/writer.h"

using namespace qmd::config;
namespace fs = std::filesystem;

static std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("parse-config corpus: non-strict write and strict errors") {
  fs::path in = fs::path(QMD_CORPUS_DIR) / "parse-config-input";
  fs::path ex = fs::path(QMD_CORPUS_DIR) / "parse-config-expected";
  if (!fs::exists(in)) {
    WARN("SKIP: reference corpus not found at " << QMD_CORPUS_DIR);
    return;
  }
  int cases = 0;
  for (const auto& e : fs::directory_iterator(in)) {
    if (e.path().extension() != ".conf") continue;
    ++cases;
    std::string name = e.path().filename().string();
    INFO(name);
    std::string input = slurp(e.path());
    std::string expected = fs::exists(ex / name) ? slurp(ex / name) : input;
    CHECK(write_config(parse_config(input, 8006, false).conf) == expected);
    if (fs::exists(ex / (name + ".strict.error"))) {
      std::string err = slurp(ex / (name + ".strict.error"));
      while (!err.empty() && err.back() == '\n') err.pop_back();
      CHECK_THROWS_WITH(parse_config(input, 8006, true), err);
    } else {
      CHECK(write_config(parse_config(input, 8006, true).conf) == expected);
    }
  }
  CHECK(cases >= 10);
}
