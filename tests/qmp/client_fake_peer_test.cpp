// The QMP client against a scripted peer on a real unix socket: broken, partial and unusual
// frames that real QEMU does not produce on demand.
#include "qmp_test_support.h"
#include "service/qemu/qmp_client.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>

using namespace qmd::qemu;
using namespace qmd::qmp_test;
using nlohmann::json;
using FakeConn = FakePeer::Conn;

namespace {

void pause_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

struct PeerFixture {
  TempDir dir;
  std::string sock = dir.path() + "/peer.sock";
  uv_loop_t loop{};
  std::unique_ptr<FakePeer> peer;
  std::unique_ptr<QmpClient> client;
  std::optional<std::optional<QmpError>> connected;
  std::vector<QmpEvent> events;
  std::vector<QmpError> disconnects;

  PeerFixture(std::function<void(FakeConn&)> script, QmpClientOptions opt = {}) {
    uv_loop_init(&loop);
    peer = std::make_unique<FakePeer>(sock, std::move(script));
    opt.connect_timeout_ms = 5000;
    client = std::make_unique<QmpClient>(&loop, sock, opt);
    client->set_event_handler([this](const QmpEvent& e) { events.push_back(e); });
    client->set_disconnect_handler([this](const QmpError& e) { disconnects.push_back(e); });
    client->connect([this](std::optional<QmpError> e) { connected = std::move(e); });
  }
  ~PeerFixture() {
    client.reset();
    peer.reset();
    drain_and_close(&loop);
  }
  bool wait(const std::function<bool()>& done, int ms = 5000) { return run_until(&loop, done, ms); }
};

// Greets, accepts capabilities, then answers one command with the bytes made by reply(id).
auto answer_one(std::function<std::string(const std::string& id)> reply) {
  return [reply = std::move(reply)](FakeConn& c) {
    c.send(FakePeer::greeting());
    if (!FakePeer::accept_capabilities(c)) return;
    std::string id = FakePeer::id_of(c.read_line());
    c.send(reply(id));
    c.read_line(3000);  // hold the connection open until the client closes it
  };
}

}  // namespace

TEST_CASE("qmp/peer: a reply delivered in pieces, with an event in the same read", "[qmp][peer]") {
  PeerFixture f([](FakeConn& c) {
    c.send(FakePeer::greeting());
    if (!FakePeer::accept_capabilities(c)) return;
    std::string id = FakePeer::id_of(c.read_line());
    std::string reply = R"({"return": {"status": "running", "running": true}, "id": )" + id + "}\r\n";
    c.send(reply.substr(0, 5));
    pause_ms(50);
    c.send(reply.substr(5, 20));
    pause_ms(50);
    c.send(reply.substr(25) +
           R"({"timestamp": {"seconds": 1, "microseconds": 2}, "event": "BALLOON_CHANGE", "data": {"actual": 134217728}})"
           "\r\n");
    c.read_line(3000);
  });
  REQUIRE(f.wait([&] { return f.connected.has_value(); }));
  REQUIRE_FALSE(f.connected->has_value());
  std::optional<QmpResult> r;
  f.client->execute("query-status", nullptr, 5000, [&](QmpResult res) { r = std::move(res); });
  REQUIRE(f.wait([&] { return r.has_value() && !f.events.empty(); }));
  REQUIRE(r->ok());
  CHECK(r->value == json{{"status", "running"}, {"running", true}});
  REQUIRE(f.events.size() == 1);
  CHECK(f.events[0].name == "BALLOON_CHANGE");
  CHECK(f.events[0].data == json{{"actual", 134217728}});
  CHECK(f.events[0].timestamp == json{{"seconds", 1}, {"microseconds", 2}});
}

TEST_CASE("qmp/peer: greeting, capabilities and replies all in one write", "[qmp][peer]") {
  // The peer answers before being asked: ids 1 (capabilities) and 2 (first command) are the
  // client's first two ids. Replies arrive in reverse order of the commands.
  PeerFixture f([](FakeConn& c) {
    c.send(FakePeer::greeting() + "{\"return\": {}, \"id\": 1}\r\n" +
           "{\"return\": \"second\", \"id\": 3}\r\n{\"return\": \"first\", \"id\": 2}\r\n");
    c.read_line(3000);
    c.read_line(3000);
    c.read_line(3000);
    c.read_line(3000);
  });
  std::vector<std::string> order;
  f.client->execute("one", nullptr, 5000, [&](QmpResult r) { order.push_back("one=" + r.value.dump()); });
  f.client->execute("two", nullptr, 5000, [&](QmpResult r) { order.push_back("two=" + r.value.dump()); });
  REQUIRE(f.wait([&] { return order.size() == 2; }));
  CHECK(order == std::vector<std::string>{"two=\"second\"", "one=\"first\""});
}

TEST_CASE("qmp/peer: invalid JSON closes the connection with a ProtocolError", "[qmp][peer]") {
  PeerFixture f(answer_one([](const std::string&) { return std::string("{\"return\": {not json\r\n"); }));
  REQUIRE(f.wait([&] { return f.connected.has_value(); }));
  std::optional<QmpResult> r;
  f.client->execute("query-status", nullptr, 5000, [&](QmpResult res) { r = std::move(res); });
  REQUIRE(f.wait([&] { return r.has_value() && !f.disconnects.empty(); }));
  REQUIRE_FALSE(r->ok());
  CHECK(r->error->error_class == "ProtocolError");
  CHECK(r->error->desc == "invalid JSON from QMP peer: {\"return\": {not json");
  REQUIRE(f.disconnects.size() == 1);
  CHECK(f.disconnects[0].desc == r->error->desc);
  CHECK_FALSE(f.client->ready());
}

TEST_CASE("qmp/peer: a JSON value that is not an object is a ProtocolError", "[qmp][peer]") {
  PeerFixture f(answer_one([](const std::string&) { return std::string("[1,2]\r\n"); }));
  REQUIRE(f.wait([&] { return f.connected.has_value(); }));
  std::optional<QmpResult> r;
  f.client->execute("query-status", nullptr, 5000, [&](QmpResult res) { r = std::move(res); });
  REQUIRE(f.wait([&] { return r.has_value(); }));
  CHECK(r->error->error_class == "ProtocolError");
  CHECK(r->error->desc == "QMP message is not a JSON object: [1,2]");
}

TEST_CASE("qmp/peer: replies with unknown ids and unknown messages are ignored", "[qmp][peer]") {
  PeerFixture f(answer_one([](const std::string& id) {
    return std::string("{\"return\": 42, \"id\": 999}\r\n{\"return\": 43}\r\n{\"hello\": 1}\r\n") +
           "{\"error\": {\"class\": \"DeviceNotActive\", \"desc\": \"No balloon device has been activated\"}, \"id\": " +
           id + "}\r\n";
  }));
  REQUIRE(f.wait([&] { return f.connected.has_value(); }));
  std::optional<QmpResult> r;
  f.client->execute("query-balloon", nullptr, 5000, [&](QmpResult res) { r = std::move(res); });
  REQUIRE(f.wait([&] { return r.has_value(); }));
  REQUIRE_FALSE(r->ok());
  CHECK(r->error->error_class == "DeviceNotActive");
  CHECK(r->error->desc == "No balloon device has been activated");
  CHECK(f.client->ready());
  CHECK(f.disconnects.empty());
}

TEST_CASE("qmp/peer: a wrong greeting fails the connect", "[qmp][peer]") {
  PeerFixture f([](FakeConn& c) {
    c.send("{\"hello\": \"world\"}\r\n");
    c.read_line(3000);
  });
  REQUIRE(f.wait([&] { return f.connected.has_value(); }));
  REQUIRE(f.connected->has_value());
  CHECK((*f.connected)->error_class == "ConnectFailed");
  CHECK((*f.connected)->desc == "QMP handshake on " + f.sock +
                                    " failed: ProtocolError: expected the QMP greeting, got: {\"hello\": \"world\"}");
  CHECK(f.disconnects.empty());
}

TEST_CASE("qmp/peer: a refused qmp_capabilities fails the connect", "[qmp][peer]") {
  PeerFixture f([](FakeConn& c) {
    c.send(FakePeer::greeting());
    std::string id = FakePeer::id_of(c.read_line());
    c.send("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"nope\"}, \"id\": " + id + "}\r\n");
    c.read_line(3000);
  });
  REQUIRE(f.wait([&] { return f.connected.has_value(); }));
  REQUIRE(f.connected->has_value());
  CHECK((*f.connected)->error_class == "ConnectFailed");
  CHECK((*f.connected)->desc == "qmp_capabilities failed: CommandNotFound: nope");
}

TEST_CASE("qmp/peer: a peer closing during the handshake fails the connect", "[qmp][peer]") {
  PeerFixture f([](FakeConn& c) { c.send("{\"QMP\": {\"vers"); });
  REQUIRE(f.wait([&] { return f.connected.has_value(); }));
  REQUIRE(f.connected->has_value());
  CHECK((*f.connected)->desc == "QMP handshake on " + f.sock +
                                    " failed: Disconnected: QMP peer closed the connection");
}

TEST_CASE("qmp/peer: an endless line is cut off at the size limit", "[qmp][peer]") {
  QmpClientOptions opt;
  opt.max_line_bytes = 1024;
  PeerFixture f(answer_one([](const std::string&) { return std::string(4096, 'x'); }), opt);
  REQUIRE(f.wait([&] { return f.connected.has_value(); }));
  std::optional<QmpResult> r;
  f.client->execute("query-status", nullptr, 5000, [&](QmpResult res) { r = std::move(res); });
  REQUIRE(f.wait([&] { return r.has_value(); }));
  CHECK(r->error->error_class == "ProtocolError");
  CHECK(r->error->desc == "QMP message longer than 1024 bytes");
  REQUIRE(f.disconnects.size() == 1);
}

TEST_CASE("qmp/peer: arguments are sent, and omitted when empty", "[qmp][peer]") {
  std::vector<std::string> seen;
  PeerFixture f([&seen](FakeConn& c) {
    c.send(FakePeer::greeting());
    if (!FakePeer::accept_capabilities(c)) return;
    for (int i = 0; i < 2; ++i) {
      std::string line = c.read_line();
      seen.push_back(line);
      c.send("{\"return\": {}, \"id\": " + FakePeer::id_of(line) + "}\r\n");
    }
    c.read_line(3000);
  });
  int done = 0;
  f.client->execute("balloon", json{{"value", 134217728}}, 5000, [&](QmpResult) { ++done; });
  f.client->execute("system_powerdown", json::object(), 5000, [&](QmpResult) { ++done; });
  REQUIRE(f.wait([&] { return done == 2; }));
  f.client->close();
  f.peer->join();
  REQUIRE(seen.size() == 2);
  CHECK(json::parse(seen[0]) == json{{"execute", "balloon"}, {"arguments", {{"value", 134217728}}}, {"id", 2}});
  CHECK(json::parse(seen[1]) == json{{"execute", "system_powerdown"}, {"id", 3}});
}
