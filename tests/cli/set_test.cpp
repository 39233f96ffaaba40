#include <catch2/catch.hpp>

#include "tests/cli/qm_fixture.h"

using namespace qmd::testing;

namespace {
void make_vm(const Qm& qm, const std::string& vmid) {
  auto r = qm({"create", vmid, "-memory", "2048", "-name", "vm" + vmid, "-smbios1",
               "uuid=6a5d8d1e-ec3f-45d1-b851-4065472c7971", "-vmgenid", "0"});
  REQUIRE(r.exit_code == 0);
}
}  // namespace

TEST_CASE("set changes values of a stopped VM directly", "[cli][set]") {
  Qm qm;
  make_vm(qm, "100");
  auto r = qm({"set", "100", "--memory", "4096", "-cores", "2", "-description", "web server\nsecond line: 100%"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(mask_ctime(qm.conf(100)) ==
        "#web server\n"
        "#second line%3A 100%25\n"
        "boot: \n"
        "cores: 2\n"
        "memory: 4096\n"
        "meta: creation-qemu=7.2.0,ctime=T\n"
        "name: vm100\n"
        "smbios1: uuid=6a5d8d1e-ec3f-45d1-b851-4065472c7971\n"
        "vmgenid: 0\n");
  auto c = qm({"config", "100"});
  CHECK(mask_ctime(c.out) ==
        "boot: \n"
        "cores: 2\n"
        "description: web server%0Asecond line%3A 100%25\n"
        "memory: 4096\n"
        "meta: creation-qemu=7.2.0,ctime=T\n"
        "name: vm100\n"
        "smbios1: uuid=6a5d8d1e-ec3f-45d1-b851-4065472c7971\n"
        "vmgenid: 0\n");
}

TEST_CASE("set --delete removes keys, unknown keys only warn", "[cli][set]") {
  Qm qm;
  make_vm(qm, "100");
  REQUIRE(qm({"set", "100", "-cores", "4", "-onboot", "1"}).exit_code == 0);
  auto r = qm({"set", "100", "--delete", "cores,onboot"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(qm.conf(100).find("cores:") == std::string::npos);
  CHECK(qm.conf(100).find("onboot:") == std::string::npos);
  auto w = qm({"set", "100", "--delete", "sockets"});
  CHECK(w.exit_code == 0);
  CHECK(w.err == "cannot delete 'sockets' - not set in current configuration!\n");
}

TEST_CASE("set refuses bad input and changes nothing", "[cli][set][errors]") {
  Qm qm;
  make_vm(qm, "100");
  const std::string before = qm.conf(100);
  const int events = qm.event_count();
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"set", "100"}, "no options specified\n"},
      {{"set", "100", "-balloon", "4096"}, "balloon value too large (must be smaller than assigned memory)\n"},
      {{"set", "100", "-digest", "0123456789abcdef0123456789abcdef01234567", "-cores", "2"},
       "checksum mismatch (file change by other user?)\n"},
      {{"set", "100", "-cores", "zero"}, "400 Parameter verification failed.\ncores: type check ('integer') failed - got 'zero'\n"},
      {{"set", "100", "-ostype", "dos"},
       "400 Parameter verification failed.\nostype: value 'dos' does not have a value in the enumeration "
       "'other, wxp, w2k, w2k3, w2k8, wvista, win7, win8, win10, win11, l24, l26, solaris'\n"},
      {{"set", "555", "-cores", "2"}, "Configuration file 'nodes/pve1/qemu-server/555.conf' does not exist\n"},
  };
  for (const auto& c : cases) {
    auto r = qm(c.args);
    INFO((c.args.size() > 2 ? c.args[2] : c.args[0]));
    CHECK(r.exit_code == 255);
    CHECK(r.err == c.err);
  }
  CHECK(qm.conf(100) == before);
  CHECK(qm.event_count() == events);
}

TEST_CASE("set honours --digest and locks", "[cli][set][locks]") {
  Qm qm;
  make_vm(qm, "100");
  auto cfg = qm({"config", "100", "--output-format", "json"});
  const auto pos = cfg.out.find("\"digest\":\"");
  REQUIRE(pos != std::string::npos);
  const std::string digest = cfg.out.substr(pos + 10, 40);
  REQUIRE(qm({"set", "100", "-digest", digest, "-cores", "2"}).exit_code == 0);
  // the same digest is stale now
  CHECK(qm({"set", "100", "-digest", digest, "-cores", "3"}).err == "checksum mismatch (file change by other user?)\n");

  REQUIRE(qm({"set", "100", "-lock", "backup"}).exit_code == 0);
  auto locked = qm({"set", "100", "-cores", "4"});
  CHECK(locked.exit_code == 255);
  CHECK(locked.err == "VM is locked (backup)\n");
  CHECK(qm({"set", "100", "-cores", "4", "--skiplock"}).exit_code == 0);
  auto d = qm({"destroy", "100"});
  CHECK(d.err == "VM is locked (backup)\n");

  auto l = qm({"locks"});
  CHECK(l.out.find("       100 backup") != std::string::npos);
  REQUIRE(qm({"unlock", "100"}).exit_code == 0);
  CHECK(qm.conf(100).find("lock:") == std::string::npos);
  CHECK(qm({"locks"}).out.empty());
  // unlocking an unlocked VM succeeds silently and records nothing
  const int n = qm.event_count();
  CHECK(qm({"unlock", "100"}).exit_code == 0);
  CHECK(qm.event_count() == n);
  auto h = qm({"history", "100"});
  CHECK(h.out.find("vm.unlocked") != std::string::npos);
  CHECK(h.out.find("released lock 'backup'") != std::string::npos);
}

TEST_CASE("pending shows cur/new/del lines, revert drops a pending change", "[cli][pending]") {
  Qm qm;
  make_vm(qm, "100");
  // A stopped VM applies changes directly, so pending is empty.
  REQUIRE(qm({"set", "100", "-cores", "2"}).exit_code == 0);
  auto p = qm({"pending", "100"});
  REQUIRE(p.exit_code == 0);
  CHECK(p.out.find("cur cores: 2\n") != std::string::npos);
  CHECK(p.out.find("cur memory: 2048\n") != std::string::npos);
  CHECK(p.out.find("new ") == std::string::npos);
  auto j = qm({"pending", "100", "--output-format", "json"});
  CHECK(j.out.find("{\"key\":\"cores\",\"value\":\"2\"}") != std::string::npos);
  auto r = qm({"set", "100", "--revert", "cores"});
  CHECK(r.exit_code == 0);
  CHECK(qm.conf(100).find("cores: 2\n") != std::string::npos);
  auto both = qm({"set", "100", "-cores", "3", "--revert", "cores"});
  CHECK(both.exit_code == 255);
}
