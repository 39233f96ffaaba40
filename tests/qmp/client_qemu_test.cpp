// The QMP client against real, diskless, paused QEMU processes (TCG).
#include "qmp_test_support.h"
#include "service/qemu/qmp_client.h"
#include "service/qemu/qmp_sync.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <memory>
#include <optional>

using namespace qmd::qemu;
using namespace qmd::qmp_test;
using nlohmann::json;

namespace {

// One QEMU, one loop, one client; the loop is drained and closed at the end.
struct QemuFixture {
  TempDir dir;
  std::string sock = dir.path() + "/qmp.sock";
  std::unique_ptr<QemuProcess> qemu;
  uv_loop_t loop{};
  std::unique_ptr<QmpClient> client;
  std::vector<QmpEvent> events;
  std::vector<QmpError> disconnects;

  explicit QemuFixture(bool start_qemu = true) {
    uv_loop_init(&loop);
    if (start_qemu) start();
    client = std::make_unique<QmpClient>(&loop, sock);
    client->set_event_handler([this](const QmpEvent& e) { events.push_back(e); });
    client->set_disconnect_handler([this](const QmpError& e) { disconnects.push_back(e); });
  }
  ~QemuFixture() {
    client.reset();
    drain_and_close(&loop);
  }
  void start() { qemu = std::make_unique<QemuProcess>(diskless_qemu_args(sock), dir.path() + "/qemu.log"); }

  // Connects and requires success.
  void connect() {
    std::optional<std::optional<QmpError>> outcome;
    client->connect([&](std::optional<QmpError> e) { outcome = std::move(e); });
    REQUIRE(run_until(&loop, [&] { return outcome.has_value(); }, 15000));
    INFO((*outcome ? (*outcome)->to_string() : "ok"));
    REQUIRE_FALSE(outcome->has_value());
    REQUIRE(client->ready());
  }

  QmpResult call(const std::string& cmd, const json& args = json::object(), int timeout_ms = 10000) {
    std::optional<QmpResult> r;
    client->execute(cmd, args, timeout_ms, [&](QmpResult res) { r = std::move(res); });
    REQUIRE(run_until(&loop, [&] { return r.has_value(); }, timeout_ms + 5000));
    return *r;
  }

  bool saw_event(const std::string& name) const {
    for (const auto& e : events)
      if (e.name == name) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("qmp/qemu: greeting and capabilities", "[qmp][qemu]") {
  QemuFixture f;
  f.connect();
  const json& g = f.client->greeting();
  REQUIRE(g.is_object());
  CHECK(g["version"]["qemu"]["major"].is_number_unsigned());
  CHECK(g["capabilities"].is_array());
  CHECK(f.client->socket_path() == f.sock);
}

TEST_CASE("qmp/qemu: query-status of a paused VM", "[qmp][qemu]") {
  QemuFixture f;
  f.connect();
  QmpResult r = f.call("query-status");
  INFO((r.error ? r.error->to_string() : r.value.dump()));
  REQUIRE(r.ok());
  CHECK(r.value["status"] == "prelaunch");
  CHECK(r.value["running"] == false);
}

TEST_CASE("qmp/qemu: commands sent before the handshake completes are queued", "[qmp][qemu]") {
  QemuFixture f;
  std::optional<QmpResult> r;
  f.client->execute("query-status", nullptr, 10000, [&](QmpResult res) { r = std::move(res); });
  bool connected = false;
  f.client->connect([&](std::optional<QmpError> e) { connected = !e; });
  REQUIRE(run_until(&f.loop, [&] { return r.has_value(); }, 15000));
  CHECK(connected);
  REQUIRE(r->ok());
  CHECK(r->value["status"] == "prelaunch");
}

TEST_CASE("qmp/qemu: an unknown command is a CommandNotFound error", "[qmp][qemu]") {
  QemuFixture f;
  f.connect();
  QmpResult r = f.call("no-such-command");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error->error_class == "CommandNotFound");
  CHECK(r.error->desc == "The command no-such-command has not been found");
  // The connection stays usable after an error reply.
  CHECK(f.call("query-status").ok());
}

TEST_CASE("qmp/qemu: a bad argument is a GenericError naming it", "[qmp][qemu]") {
  QemuFixture f;
  f.connect();
  QmpResult r = f.call("balloon", json{{"value", "lots"}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error->error_class == "GenericError");
  CHECK(r.error->desc == "Invalid parameter type for 'value', expected: integer");
}

TEST_CASE("qmp/qemu: a stopped QEMU makes the command time out, its late reply is dropped", "[qmp][qemu]") {
  QemuFixture f;
  f.connect();
  f.qemu->freeze();
  QmpResult r = f.call("query-status", json::object(), 300);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error->error_class == "Timeout");
  CHECK(r.error->desc == "no reply to 'query-status' within 300 ms");
  CHECK(f.client->ready());  // a timeout does not end the connection
  f.qemu->signal(SIGCONT);
  // The late reply to the timed-out command must not be taken for this one's.
  QmpResult again = f.call("query-name");
  INFO((again.error ? again.error->to_string() : again.value.dump()));
  REQUIRE(again.ok());
  CHECK(again.value == json::object());
  CHECK(f.disconnects.empty());
}

TEST_CASE("qmp/qemu: stop and cont give STOP and RESUME events", "[qmp][qemu]") {
  QemuFixture f;
  f.connect();
  REQUIRE(f.call("cont").ok());
  REQUIRE(run_until(&f.loop, [&] { return f.saw_event("RESUME"); }, 5000));
  CHECK(f.call("query-status").value["status"] == "running");
  REQUIRE(f.call("stop").ok());
  REQUIRE(run_until(&f.loop, [&] { return f.saw_event("STOP"); }, 5000));
  CHECK(f.call("query-status").value["status"] == "paused");
  std::vector<std::string> names;
  for (const auto& e : f.events) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"RESUME", "STOP"});
  CHECK(f.events[0].timestamp["seconds"].is_number());
  CHECK(f.events[0].data == json::object());
}

TEST_CASE("qmp/qemu: killing QEMU fails pending commands and reports the loss once", "[qmp][qemu]") {
  QemuFixture f;
  f.connect();
  f.qemu->freeze();  // so the command is surely still pending when QEMU dies
  std::vector<QmpResult> results;
  f.client->execute("query-status", nullptr, 0, [&](QmpResult r) { results.push_back(std::move(r)); });
  f.client->execute("query-name", nullptr, 0, [&](QmpResult r) { results.push_back(std::move(r)); });
  run_until(&f.loop, [] { return false; }, 100);
  REQUIRE(results.empty());
  f.qemu->signal(SIGKILL);
  REQUIRE(run_until(&f.loop, [&] { return results.size() == 2 && !f.disconnects.empty(); }, 5000));
  for (const auto& r : results) {
    REQUIRE_FALSE(r.ok());
    CHECK(r.error->error_class == "Disconnected");
    CHECK(r.error->desc == "QMP peer closed the connection");
  }
  REQUIRE(f.disconnects.size() == 1);
  CHECK(f.disconnects[0].error_class == "Disconnected");
  CHECK_FALSE(f.client->ready());

  // Afterwards commands fail at once (on the next loop turn, not inside execute()).
  std::optional<QmpResult> late;
  f.client->execute("query-status", nullptr, 1000, [&](QmpResult r) { late = std::move(r); });
  CHECK_FALSE(late.has_value());
  REQUIRE(run_until(&f.loop, [&] { return late.has_value(); }, 1000));
  CHECK(late->error->error_class == "Disconnected");
  run_until(&f.loop, [] { return false; }, 100);
  CHECK(f.disconnects.size() == 1);
}

TEST_CASE("qmp/qemu: connect retries until QEMU creates its socket", "[qmp][qemu]") {
  QemuFixture f(false);
  std::optional<std::optional<QmpError>> outcome;
  f.client->connect([&](std::optional<QmpError> e) { outcome = std::move(e); });
  run_until(&f.loop, [] { return false; }, 300);
  REQUIRE_FALSE(outcome.has_value());
  f.start();
  REQUIRE(run_until(&f.loop, [&] { return outcome.has_value(); }, 15000));
  CHECK_FALSE(outcome->has_value());
  CHECK(f.call("query-status").ok());
}

TEST_CASE("qmp/qemu: connect gives up after its timeout", "[qmp][qemu]") {
  TempDir dir;
  uv_loop_t loop;
  uv_loop_init(&loop);
  {
    QmpClientOptions opt;
    opt.connect_timeout_ms = 200;
    QmpClient client(&loop, dir.path() + "/absent.sock", opt);
    std::optional<std::optional<QmpError>> outcome;
    client.connect([&](std::optional<QmpError> e) { outcome = std::move(e); });
    std::optional<QmpResult> queued;
    client.execute("query-status", nullptr, 0, [&](QmpResult r) { queued = std::move(r); });
    REQUIRE(run_until(&loop, [&] { return outcome.has_value() && queued.has_value(); }, 3000));
    REQUIRE(outcome->has_value());
    CHECK((*outcome)->error_class == "ConnectFailed");
    CHECK((*outcome)->desc == "no QMP connection to " + dir.path() +
                                  "/absent.sock within 200 ms (last error: no such file or directory)");
    CHECK(queued->error->error_class == "ConnectFailed");
  }
  drain_and_close(&loop);
}

TEST_CASE("qmp/qemu: a socket path too long for sockaddr_un is refused, not truncated", "[qmp][qemu]") {
  uv_loop_t loop;
  uv_loop_init(&loop);
  {
    const std::string path = "/tmp/" + std::string(103, 'p');  // 108 bytes: one too many
    QmpClient client(&loop, path);
    std::optional<std::optional<QmpError>> outcome;
    client.connect([&](std::optional<QmpError> e) { outcome = std::move(e); });
    CHECK_FALSE(outcome.has_value());  // not from inside connect()
    REQUIRE(run_until(&loop, [&] { return outcome.has_value(); }, 1000));
    REQUIRE(outcome->has_value());
    CHECK((*outcome)->error_class == "ConnectFailed");
    CHECK((*outcome)->desc == "QMP socket path is too long (108 bytes, at most 107): " + path);
  }
  drain_and_close(&loop);
}

TEST_CASE("qmp/qemu: close() fails pending commands with Closed, without a disconnect", "[qmp][qemu]") {
  QemuFixture f;
  f.connect();
  f.qemu->freeze();
  std::optional<QmpResult> r;
  f.client->execute("query-status", nullptr, 0, [&](QmpResult res) { r = std::move(res); });
  f.client->close();
  f.client->close();  // idempotent
  CHECK_FALSE(r.has_value());
  REQUIRE(run_until(&f.loop, [&] { return r.has_value(); }, 2000));
  CHECK(r->error->error_class == "Closed");
  CHECK(r->error->desc == "QMP client closed");
  run_until(&f.loop, [] { return false; }, 50);
  CHECK(f.disconnects.empty());
  f.qemu->signal(SIGCONT);
}

TEST_CASE("qmp/qemu: the client may be destroyed inside its own callback", "[qmp][qemu]") {
  QemuFixture f;
  f.connect();
  int calls = 0;
  f.client->execute("query-status", nullptr, 5000, [&](QmpResult) {
    ++calls;
    f.client.reset();
  });
  f.client->execute("query-name", nullptr, 5000, [&](QmpResult) { ++calls; });
  REQUIRE(run_until(&f.loop, [&] { return f.client == nullptr; }, 5000));
  run_until(&f.loop, [] { return false; }, 100);
  CHECK(calls == 1);  // the second callback is dropped with the client
}

TEST_CASE("qmp/qemu: qmp_call_sync runs one command on a private loop", "[qmp][qemu]") {
  TempDir dir;
  std::string sock = dir.path() + "/qmp.sock";
  QemuProcess qemu(diskless_qemu_args(sock), dir.path() + "/qemu.log");
  QmpResult r = qmp_call_sync(sock, "query-status", nullptr, 15000);
  INFO((r.error ? r.error->to_string() : r.value.dump()));
  REQUIRE(r.ok());
  CHECK(r.value["status"] == "prelaunch");

  QmpResult bad = qmp_call_sync(sock, "no-such-command", json::object(), 5000);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error->error_class == "CommandNotFound");

  QmpResult absent = qmp_call_sync(dir.path() + "/absent.sock", "query-status", nullptr, 150);
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.error->error_class == "ConnectFailed");

  qemu.freeze();
  QmpResult stuck = qmp_call_sync(sock, "query-status", nullptr, 300);
  qemu.signal(SIGCONT);
  REQUIRE_FALSE(stuck.ok());
  // A stopped QEMU accepts the connection (kernel backlog) but never greets.
  CHECK(stuck.error->error_class == "ConnectFailed");
  CHECK(stuck.error->desc == "no QMP connection to " + sock + " within 300 ms (no greeting received)");
}
