// qmd --startall runs once per host boot: the boot id remembered in the run directory.
#include <catch2/catch.hpp>

#include <fstream>

#include "service/daemon/boot_once.h"
#include "tests/support/child.h"

using qmd::service::daemon::claim_startall_for_this_boot;
using namespace qmd::testing;

namespace {
void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
}  // namespace

TEST_CASE("boot_once: the first claim of a boot wins, later ones of the same boot do not") {
  TempDir dir;
  const std::string boot_id = dir / "boot_id";
  write(boot_id, "4f1e0c2a-1111-4a3b-9c1d-000000000001\n");
  CHECK(claim_startall_for_this_boot(dir.path(), boot_id));
  CHECK(read_file(dir / "startall.boot") == "4f1e0c2a-1111-4a3b-9c1d-000000000001\n");
  CHECK_FALSE(claim_startall_for_this_boot(dir.path(), boot_id));
  CHECK_FALSE(claim_startall_for_this_boot(dir.path(), boot_id));

  // The host rebooted: a new boot id.
  write(boot_id, "4f1e0c2a-1111-4a3b-9c1d-000000000002\n");
  CHECK(claim_startall_for_this_boot(dir.path(), boot_id));
  CHECK(read_file(dir / "startall.boot") == "4f1e0c2a-1111-4a3b-9c1d-000000000002\n");
  CHECK_FALSE(claim_startall_for_this_boot(dir.path(), boot_id));
}

TEST_CASE("boot_once: without a readable boot id the pass runs every time") {
  TempDir dir;
  CHECK(claim_startall_for_this_boot(dir.path(), dir / "missing"));
  CHECK(claim_startall_for_this_boot(dir.path(), dir / "missing"));
  CHECK_FALSE(file_exists(dir / "startall.boot"));
}

TEST_CASE("boot_once: the real boot id of this host is claimed once") {
  TempDir dir;
  CHECK(claim_startall_for_this_boot(dir.path()));
  CHECK_FALSE(claim_startall_for_this_boot(dir.path()));
}
