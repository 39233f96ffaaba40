// Cloud-init through a running qmd: the cleartext password reaches no file
// (database, WAL, .conf tree, images, qmd's own log, the export) and no
// command's output; a linked clone of a template gets its seed written into
// its own new volume when it starts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/daemon/qmd_fixture.h"
#include "tests/support/test_guest.h"

using namespace qmd::testing;
namespace fs = std::filesystem;

namespace {

const std::string kClear = "c0rrect-H0rse-battery";

std::vector<std::string> files_holding(const std::string& dir, const std::string& needle) {
  std::vector<std::string> hits;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && read_file(e.path().string()).find(needle) != std::string::npos)
      hits.push_back(e.path().string());
  }
  return hits;
}

// A file of the ISO in a qcow2 cloud-init volume, read back with isoinfo.
std::string iso_file(const std::string& image, const std::string& scratch, const std::string& iso_path) {
  const auto c = run({"/usr/bin/qemu-img", "convert", "-O", "raw", image, scratch});
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  auto r = run({"/usr/bin/isoinfo", "-J", "-x", iso_path, "-i", scratch});
  fs::remove(scratch);
  return r.out;
}

}  // namespace

TEST_CASE("cloud-init under qmd: no cleartext password anywhere, a linked clone's seed written at its start",
          "[daemon][cloudinit]") {
  QmdNode node;
  node.start_qmd();
  const std::string key = node.dir() + "/id.pub";
  std::ofstream(key) << "ssh-ed25519 AAAAC3Nza alice@laptop\n";
  std::string outputs;
  auto ok = [&](const std::vector<std::string>& args) {
    auto r = node.qm(args);
    INFO("qm " << args.at(0) << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    outputs += r.out + r.err;
    return r;
  };
  ok({"create", "300", "--name", "tmpl", "--memory", "64", "--net0", "virtio,bridge=vmbr0", "--ide2",
      "local:cloudinit", "--ciuser", "alice", "--cipassword", kClear, "--sshkeys", key, "--ipconfig0", "ip=dhcp"});
  ok({"set", "300", "--cipassword", kClear + "-2"});
  ok({"set", "300", "-cipassword=" + kClear + "-3"});
  ok({"template", "300"});
  auto clone = ok({"clone", "300", "301", "--name", "web1"});
  CHECK(clone.out == "create full clone of drive ide2 (local:300/vm-300-cloudinit.qcow2)\n");
  ok({"set", "301", "--cipassword", kClear + "-4"});

  ok({"start", "301"});
  node.vm_pid(301);  // killed at the end of the test whatever happens
  const std::string image = node.dir() + "/images/301/vm-301-cloudinit.qcow2";
  const std::string scratch = node.dir() + "/seed.raw";
  const std::string meta = ok({"cloudinit", "dump", "301", "meta"}).out;
  CHECK(iso_file(image, scratch, "/meta-data") + "\n" == meta);
  const std::string user = iso_file(image, scratch, "/user-data");
  CHECK(user.find("\nhostname: web1\n") != std::string::npos);
  CHECK(user.find("\nuser: alice\n") != std::string::npos);
  CHECK(user.find("\npassword: $6$") != std::string::npos);
  CHECK(node.log().find("VM 301: cloud-init seed written to local:301/vm-301-cloudinit.qcow2") != std::string::npos);
  ok({"stop", "301"});

  for (const std::string vm : {"300", "301"}) {
    ok({"config", vm});
    ok({"pending", vm});
    ok({"history", vm});
    ok({"history", vm, "--output-format", "json"});
    ok({"diff", vm, "--from", "1"});
    ok({"showcmd", vm});
    ok({"cloudinit", "dump", vm, "user"});
    ok({"cloudinit", "pending", vm});
  }
  ok({"audit"});
  ok({"audit", "--output-format", "json"});
  ok({"export", "--dir", node.dir() + "/export"});

  const std::string log = node.log();
  CHECK(log.find("cipassword") != std::string::npos);  // qmd did log the commands; never their value
  CHECK(log.find(kClear) == std::string::npos);
  CHECK(outputs.find(kClear) == std::string::npos);
  CHECK(files_holding(node.dir(), kClear).empty());
  // The search does find what is there: the hash is in the .conf tree and the export.
  const auto hashed = files_holding(node.dir(), "cipassword: $6$");
  CHECK(std::count_if(hashed.begin(), hashed.end(), [](const std::string& f) { return f.ends_with("/301.conf"); }) ==
        2);
  CHECK(file_exists(node.dir() + "/qmd.db"));
}

TEST_CASE("guest: the cloud-image recipe — a linked clone of a template boots and reads its own seed",
          "[daemon][cloudinit][guest]") {
  const std::string g = guest_dir();
  if (!file_exists(g + "/vmlinux") || !file_exists(g + "/initramfs.cpio.gz") ||
      std::atoi(read_file(g + "/REVISION").c_str()) < 2) {
    WARN("SKIP: test guest (revision 2 or later) not found in " << g << " (run tests/guest/build-guest.sh)");
    return;
  }
  QmdNode node;
  node.start_qmd("--balloon-interval 0");
  const std::string key = node.dir() + "/id.pub";
  std::ofstream(key) << "ssh-ed25519 AAAAC3Nza alice@laptop\n";
  const std::string serial = node.dir() + "/console.serial";
  auto ok = [&](const std::vector<std::string>& args) {
    auto r = node.qm(args);
    INFO("qm " << args.at(0) << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  };
  ok({"create", "400", "--name", "tmpl", "--memory", "128", "--net0", "virtio,bridge=vmbr0", "--args",
      "-kernel " + g + "/vmlinux -initrd " + g + "/initramfs.cpio.gz -append 'console=ttyS0 quiet' -serial file:" +
          serial});
  ok({"set", "400", "--ide2", "local:cloudinit"});
  ok({"set", "400", "--ciuser", "alice", "--cipassword", kClear, "--sshkeys", key, "--ipconfig0", "ip=dhcp"});
  ok({"template", "400"});
  ok({"clone", "400", "401", "--name", "web1"});
  const std::string meta = ok({"cloudinit", "dump", "401", "meta"}).out;  // "instance-id: <id>\n\n"
  const std::string id = meta.substr(13, 40);
  CHECK(ok({"cloudinit", "dump", "400", "meta"}).out.find(id) == std::string::npos);

  ok({"start", "401"});
  node.vm_pid(401);
  const std::string want = "QMD-GUEST-CLOUDINIT user=alice instance-id=" + id;
  const bool seen = eventually([&] { return read_file(serial).find(want) != std::string::npos; }, 120000);
  INFO(want << read_file(serial));
  CHECK(seen);
  CHECK(read_file(serial).find("QMD-GUEST-MODULE-FAILED") == std::string::npos);
  CHECK(node.qm({"stop", "401"}).exit_code == 0);
  CHECK(read_file(node.dir() + "/qmd.log").find(kClear) == std::string::npos);
}
