// Private by default, and no write outside the data directory or through a
// link (issue #13 points 2 and 3).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "tests/cli/qm_fixture.h"

using namespace qmd::testing;
namespace fs = std::filesystem;

namespace {
unsigned mode_of(const std::string& p) {
  struct stat st{};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("qm creates the data directory, the log, the .conf files and the images private, whatever the umask") {
  const mode_t old = ::umask(022);
  Qm qm;
  fs::remove_all(qm.dir());
  REQUIRE(qm({"create", "100", "--scsi0", "local:0.001"}).exit_code == 0);
  ::umask(old);
  CHECK(mode_of(qm.dir()) == 0700);
  CHECK(mode_of(qm.db()) == 0600);
  CHECK(mode_of(qm.conf_path(100)) == 0600);
  CHECK(mode_of(qm.dir() + "/images/100/vm-100-disk-0.qcow2") == 0600);
  CHECK(mode_of(qm.db() + "-wal") == 0600);
  CHECK(mode_of(qm.dir() + "/lock/lock-100.conf") == 0600);
}

TEST_CASE("an installation readable by others is tightened at the next command, with a warning") {
  Qm qm;
  REQUIRE(qm({"create", "100"}).exit_code == 0);
  fs::permissions(qm.dir(), fs::perms(0755));
  fs::permissions(qm.conf_path(100), fs::perms(0644));
  fs::permissions(qm.db(), fs::perms(0644));
  const auto r = qm({"list"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("[warning] data directory '" + qm.dir() +
                   "' was readable by others (mode 0755): made private to its owner") != std::string::npos);
  CHECK(mode_of(qm.dir()) == 0700);
  CHECK(mode_of(qm.conf_path(100)) == 0600);
  CHECK(mode_of(qm.db()) == 0600);
  CHECK(qm({"list"}).err.find("readable by others") == std::string::npos);  // said once
}

TEST_CASE("node names are host name labels: a path as node is refused and nothing is written") {
  Qm qm;
  const auto r = qm({"--node", "../../../x", "create", "200"});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("node '../../../x': invalid format - value does not look like a valid node name") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(qm.dir() + "/../x"));
  TempDir tree;
  fs::create_directories(tree.path() + "/t");
  write_file(tree.path() + "/t/300.conf", "memory: 512\n");
  const auto imp = qm({"import", tree.path() + "/t", "--node", "../../escaped"});
  CHECK(imp.exit_code == 255);
  CHECK(imp.err.find("node '../../escaped': invalid format - value does not look like a valid node name") != std::string::npos);
  CHECK_FALSE(fs::exists(qm.dir() + "/../../escaped"));
  CHECK(qm({"config", "300"}).exit_code != 0);
}

TEST_CASE("qm export never writes through a symlink planted in the target tree") {
  Qm qm;
  REQUIRE(qm({"create", "100"}).exit_code == 0);
  TempDir out, elsewhere;
  // A link at the file's name: replaced by the file, its target untouched.
  fs::create_directories(out.path() + "/a/nodes/pve1/qemu-server");
  write_file(elsewhere.path() + "/victim", "keep\n");
  fs::create_symlink(elsewhere.path() + "/victim", out.path() + "/a/nodes/pve1/qemu-server/100.conf");
  REQUIRE(qm({"export", "--dir", out.path() + "/a"}).exit_code == 0);
  CHECK(read_file(elsewhere.path() + "/victim") == "keep\n");
  CHECK_FALSE(fs::is_symlink(out.path() + "/a/nodes/pve1/qemu-server/100.conf"));
  // A link as a directory of the tree: refused, nothing written there.
  fs::create_directories(out.path() + "/b/nodes");
  fs::create_symlink(elsewhere.path(), out.path() + "/b/nodes/pve1");
  const auto r = qm({"export", "--dir", out.path() + "/b"});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("refusing to write through the symlink '" + out.path() + "/b/nodes/pve1'") != std::string::npos);
  CHECK_FALSE(fs::exists(elsewhere.path() + "/qemu-server"));
}
