// Host memory figures (spec §7.1): /proc/meminfo's format, the file source.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "service/autoballoon/host_memory.h"
#include "tests/support/child.h"

using namespace qmd::autoballoon;

TEST_CASE("meminfo: used = MemTotal - MemAvailable, in bytes", "[autoballoon][host]") {
  const auto f = parse_meminfo(
      "MemTotal:       10485760 kB\n"
      "MemFree:         1048576 kB\n"
      "MemAvailable:    6291456 kB\n"
      "Buffers:          102400 kB\n"
      "Cached:          2097152 kB\n"
      "HugePages_Total:       0\n");
  CHECK(f.memtotal == 10737418240);
  CHECK(f.memused == 4294967296);
}

TEST_CASE("meminfo: without MemAvailable, used = MemTotal - (MemFree + Buffers + Cached)", "[autoballoon][host]") {
  const auto f = parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n");
  CHECK(f.memtotal == 1024000);
  CHECK(f.memused == 600 * 1024);
}

TEST_CASE("meminfo: missing or malformed lines are errors naming them", "[autoballoon][host]") {
  CHECK_THROWS_WITH(parse_meminfo("MemFree: 100 kB\n"), "no MemTotal");
  CHECK_THROWS_WITH(parse_meminfo("MemTotal: 100 kB\n"), "no MemAvailable or MemFree");
  CHECK_THROWS_WITH(parse_meminfo("MemTotal: lots kB\n"), "invalid MemTotal line 'MemTotal: lots kB'");
  CHECK_THROWS_WITH(parse_meminfo("MemTotal: 100 kB\nMemAvailable: -5 kB\n"),
                    "invalid MemAvailable line 'MemAvailable: -5 kB'");
}

TEST_CASE("meminfo file: read on every call, a missing file names its path", "[autoballoon][host]") {
  qmd::testing::TempDir dir;
  const std::string path = dir / "meminfo";
  MeminfoFile src(path);
  CHECK_THROWS_WITH(src.read(), path + ": No such file or directory");
  qmd::testing::write_file(path, "MemTotal: 2048 kB\nMemAvailable: 1024 kB\n");
  CHECK(src.read().memused == 1024 * 1024);
  qmd::testing::write_file(path, "MemTotal: 2048 kB\nMemAvailable: 512 kB\n");
  CHECK(src.read().memused == 1536 * 1024);
  qmd::testing::write_file(path, "MemTotal: 2048 kB\n");
  CHECK_THROWS_WITH(src.read(), path + ": no MemAvailable or MemFree");
}

TEST_CASE("meminfo file: this host's /proc/meminfo", "[autoballoon][host]") {
  const auto f = MeminfoFile().read();
  CHECK(f.memtotal > 0);
  CHECK(f.memused > 0);
  CHECK(f.memused <= f.memtotal);
}
