// The QMP client with the real test guest (tests/guest/build-guest.sh): an ACPI powerdown is
// seen as a SHUTDOWN event and then as the end of the connection. Skipped, with a message,
// when the guest has not been built.
#include "qmp_test_support.h"
#include "service/qemu/qmp_client.h"

#include <catch2/catch.hpp>

#include "tests/support/test_guest.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

using namespace qmd::qemu;
using namespace qmd::qmp_test;
using nlohmann::json;

namespace {

using qmd::testing::guest_dir;

bool file_contains(const std::string& path, const std::string& needle) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str().find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("qmp/guest: system_powerdown gives a guest SHUTDOWN event", "[qmp][guest]") {
  const std::string g = guest_dir();
  if (!std::filesystem::exists(g + "/vmlinux") || !std::filesystem::exists(g + "/initramfs.cpio.gz")) {
    WARN("SKIP: test guest not found in " + g + " (run tests/guest/build-guest.sh)");
    return;
  }
  TempDir dir;
  const std::string sock = dir.path() + "/qmp.sock";
  const std::string serial = dir.path() + "/serial.log";
  QemuProcess qemu({"-machine", "pc,accel=tcg", "-m", "256", "-nodefaults", "-display", "none",
                    "-serial", "file:" + serial, "-kernel", g + "/vmlinux", "-initrd",
                    g + "/initramfs.cpio.gz", "-append", "console=ttyS0 quiet", "-qmp",
                    "unix:" + sock + ",server=on,wait=off"},
                   dir.path() + "/qemu.log");
  uv_loop_t loop;
  uv_loop_init(&loop);
  {
    QmpClient client(&loop, sock);
    std::vector<QmpEvent> events;
    std::vector<QmpError> disconnects;
    client.set_event_handler([&](const QmpEvent& e) { events.push_back(e); });
    client.set_disconnect_handler([&](const QmpError& e) { disconnects.push_back(e); });
    std::optional<std::optional<QmpError>> connected;
    client.connect([&](std::optional<QmpError> e) { connected = std::move(e); });
    REQUIRE(run_until(&loop, [&] { return connected.has_value(); }, 15000));
    REQUIRE_FALSE(connected->has_value());

    // The guest handles the power button only once acpid runs, i.e. after its ready marker.
    REQUIRE(run_until(&loop, [&] { return file_contains(serial, "QMD-GUEST-READY"); }, 60000));
    std::optional<QmpResult> r;
    client.execute("system_powerdown", nullptr, 5000, [&](QmpResult res) { r = std::move(res); });
    auto sent = std::chrono::steady_clock::now();
    auto shutdown = [&] {
      for (const auto& e : events)
        if (e.name == "SHUTDOWN") return true;
      return false;
    };
    bool got = run_until(&loop, [&] { return r.has_value() && shutdown(); }, 30000);
    if (!got) {
      std::ifstream in(serial);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string names;
      for (const auto& e : events) names += e.name + " ";
      INFO("serial: " << ss.str() << "\nevents: " << names);
      REQUIRE(got);
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - sent);
    REQUIRE(r->ok());
    const QmpEvent* ev = nullptr;
    for (const auto& e : events)
      if (e.name == "SHUTDOWN") ev = &e;
    CHECK(ev->data == json{{"guest", true}, {"reason", "guest-shutdown"}});
    // QEMU exits after a guest shutdown (no -no-shutdown): the loss is reported once.
    REQUIRE(run_until(&loop, [&] { return !disconnects.empty(); }, 10000));
    CHECK(disconnects.size() == 1);
    CHECK(qemu.wait_exit(10000));
    CHECK(file_contains(serial, "QMD-GUEST-POWERDOWN"));
    WARN("powerdown -> SHUTDOWN event after " + std::to_string(ms.count()) + " ms");
  }
  drain_and_close(&loop);
}
