// qm showcmd through the real qm binary.
#include <catch2/catch.hpp>

#include "service/qemu/cmdline.h"
#include "tests/cli/qm_fixture.h"

using qmd::testing::Qm;

TEST_CASE("qm showcmd prints the command line, --pretty one option per line") {
  if (qmd::qemu::detect_host_caps().qemu_version.empty()) {
    WARN("skipped: qemu-system-x86_64 is not installed");
    return;
  }
  Qm qm;
  REQUIRE(qm({"create", "100", "--name", "web", "--memory", "1024", "--ide2", "none,media=cdrom"}).exit_code == 0);
  const auto plain = qm({"showcmd", "100"});
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.err.empty());
  const std::string run = qm.dir() + "/run/100";
  CHECK(plain.out.find(" -name 'web,debug-threads=on' -no-shutdown -chardev 'socket,id=qmp,path=" + run +
                       ".qmp,server=on,wait=off' ") != std::string::npos);
  CHECK(plain.out.find(" -m 1024 ") != std::string::npos);
  CHECK(plain.out.find(" -device 'ide-cd,bus=ide.1,unit=0,drive=drive-ide2,id=ide2,bootindex=100' ") != std::string::npos);  // boot: order=ide2 from create
  CHECK(plain.out.back() == '\n');
  CHECK(plain.out.find('\n') == plain.out.size() - 1);
  const auto pretty = qm({"showcmd", "100", "--pretty"});
  REQUIRE(pretty.exit_code == 0);
  std::string expected = plain.out;
  for (size_t p = expected.find(" -"); p != std::string::npos; p = expected.find(" -", p + 5)) {
    expected.replace(p, 2, " \\\n  -");
  }
  CHECK(pretty.out == expected);
}

TEST_CASE("qm showcmd errors: unknown VM, unknown snapshot, what the host lacks") {
  Qm qm;
  auto r = qm({"showcmd", "100"});
  CHECK(r.exit_code != 0);
  CHECK(r.err == "Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist\n");
  REQUIRE(qm({"create", "100"}).exit_code == 0);
  r = qm({"showcmd", "100", "--snapshot", "nope"});
  CHECK(r.exit_code != 0);
  CHECK(r.err == "snapshot 'nope' does not exist\n");
  if (qmd::qemu::detect_host_caps().qemu_version.empty()) return;
  REQUIRE(qm({"set", "100", "--hostpci0", "mapping=gpu"}).exit_code == 0);
  r = qm({"showcmd", "100"});
  CHECK(r.exit_code != 0);
  CHECK(r.out.empty());
  CHECK(r.err == "PCI mapping 'gpu' (hostpci0) is not defined on this host\n");
}
