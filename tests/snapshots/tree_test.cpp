// qm listsnapshot's tree (service/snapshots/tree.h): exact lines.
#include <catch2/catch.hpp>

#include "config/reader.h"
#include "service/snapshots/tree.h"

using namespace qmd;
using namespace qmd::service::snapshots;

namespace {
std::string fake_time(int64_t t) { return "T" + std::to_string(t); }
}  // namespace

TEST_CASE("snapshot tree: roots, children, current last, padding", "[snapshots][tree]") {
  const std::string text =
      "memory: 512\nparent: b2\n"
      "\n[aa]\n#first line\n#second\nmemory: 512\nsnaptime: 100\n"
      "\n[b1]\nmemory: 512\nparent: aa\nsnaptime: 300\n"
      "\n[b2]\nmemory: 512\nparent: aa\nsnaptime: 200\n"
      "\n[orphan]\nmemory: 512\nparent: gone\nsnaptime: 50\n";
  auto conf = config::parse_config(text, 100, true).conf;
  const std::string tree = snapshot_tree(snapshot_list(conf), fake_time);
  CHECK(tree ==
        "`-> orphan                      T50                     no-description\n"
        "`-> aa                          T100                    first line\n"
        " `-> b2                         T200                    no-description\n"
        "  `-> current                                           You are here!\n"
        " `-> b1                         T300                    no-description\n");
}

TEST_CASE("snapshot tree of a VM without snapshots is just current", "[snapshots][tree]") {
  auto conf = config::parse_config("memory: 512\n", 100, true).conf;
  CHECK(snapshot_tree(snapshot_list(conf), fake_time) ==
        "`-> current                                             You are here!\n");
}

TEST_CASE("local_time follows TZ", "[snapshots][tree]") {
  setenv("TZ", "UTC", 1);
  tzset();
  CHECK(local_time(1234567890) == "2009-02-13 23:31:30");
  setenv("TZ", "CET-1", 1);  // POSIX form: needs no tzdata
  tzset();
  CHECK(local_time(1234567890) == "2009-02-14 00:31:30");
  setenv("TZ", "UTC", 1);
  tzset();
}
