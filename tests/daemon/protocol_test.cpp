// The socket protocol and the pure rules of the runtime verbs.
#include <catch2/catch.hpp>

#include "service/commands/status/status.h"
#include "service/daemon/peer.h"
#include "service/protocol/lines.h"
#include "service/protocol/request_json.h"
#include "service/runtime/status_change.h"
#include "service/runtime/supervisor.h"
#include "service/runtime/verb_support.h"

using namespace qmd::service;

TEST_CASE("request line: a Request's JSON round-trips, the actor never comes from the line") {
  Request r;
  r.verb = "start";
  r.args = {"100"};
  r.options = {{"timeout", "5"}};
  r.command_line = "qm start 100 --timeout 5";
  r.correlation_id = "c1";
  nlohmann::json j = protocol::request_to_json(r);
  j["actor"] = {{"user", "mallory"}, {"uid", 0}};
  auto parsed = protocol::parse_request_line(j.dump());
  REQUIRE(std::holds_alternative<Request>(parsed));
  const Request& got = std::get<Request>(parsed);
  CHECK(got.verb == "start");
  CHECK(got.args == std::vector<std::string>{"100"});
  CHECK(got.opt("timeout") == "5");
  CHECK(got.command_line == "qm start 100 --timeout 5");
  CHECK(got.correlation_id == "c1");
  CHECK_FALSE(got.actor.has_value());
}

TEST_CASE("request line: a forwarded request's origin travels, and is believed only from a trusted peer") {
  Request r;
  r.verb = "set";
  r.args = {"100"};
  r.on_behalf_of = Request::Origin{{"alice", 1001, 4242}, "b"};
  const nlohmann::json j = protocol::request_to_json(r);
  CHECK(j["on_behalf_of"] == nlohmann::json{{"user", "alice"}, {"uid", 1001}, {"pid", 4242}, {"node", "b"}});
  CHECK_FALSE(protocol::request_to_json(Request{}).contains("on_behalf_of"));
  auto parsed = protocol::parse_request_line(j.dump());
  REQUIRE(std::holds_alternative<Request>(parsed));
  const Request got = std::get<Request>(parsed);
  CHECK(got.on_behalf_of == r.on_behalf_of);
  CHECK_FALSE(got.actor.has_value());  // a claim, not yet the actor
  CHECK(got.via.empty());

  // Trust: root, or the uid qmd runs as (another qmd); nobody else.
  CHECK(daemon::may_speak_for_others(0, 998));
  CHECK(daemon::may_speak_for_others(998, 998));
  CHECK_FALSE(daemon::may_speak_for_others(1001, 998));
  CHECK_FALSE(daemon::may_speak_for_others(-1, 998));

  const Request::Actor qmd_b{"qmd", 998, 77};
  Request trusted = got;
  CHECK(daemon::accept_on_behalf_of(trusted, qmd_b, 998));
  REQUIRE(trusted.actor.has_value());
  CHECK(trusted.actor->user == "alice");
  CHECK(trusted.actor->uid == 1001);
  CHECK(trusted.actor->pid == 4242);
  CHECK(trusted.via == "b");
  CHECK_FALSE(trusted.on_behalf_of.has_value());

  const Request::Actor mallory{"mallory", 1002, 66};
  Request untrusted = got;
  CHECK_FALSE(daemon::accept_on_behalf_of(untrusted, mallory, 998));
  REQUIRE(untrusted.actor.has_value());
  CHECK(untrusted.actor->user == "mallory");
  CHECK(untrusted.actor->uid == 1002);
  CHECK(untrusted.actor->pid == 66);
  CHECK(untrusted.via.empty());
  CHECK_FALSE(untrusted.on_behalf_of.has_value());

  Request plain;
  plain.verb = "list";
  CHECK_FALSE(daemon::accept_on_behalf_of(plain, mallory, 998));
  CHECK(plain.actor->user == "mallory");

  // A malformed claim is bad input.
  nlohmann::json bad = j;
  bad["on_behalf_of"].erase("node");
  auto b = protocol::parse_request_line(bad.dump());
  REQUIRE(std::holds_alternative<Reply>(b));
  CHECK(std::get<Reply>(b).err ==
        "qmd: invalid request: request member 'on_behalf_of' must be {user: string, uid: int, pid: int, node: string}\n");
}

TEST_CASE("request line: bad input gives an error reply naming the problem") {
  auto err = [](std::string_view line) {
    auto p = protocol::parse_request_line(line);
    REQUIRE(std::holds_alternative<Reply>(p));
    CHECK(std::get<Reply>(p).exit_code == 255);
    return std::get<Reply>(p).err;
  };
  CHECK(err("garbage").starts_with("qmd: invalid request: not JSON ("));
  CHECK(err("{\"verb\":\"list\"").starts_with("qmd: invalid request: not JSON ("));
  CHECK(err("[1,2]") == "qmd: invalid request: request is not a JSON object\n");
  CHECK(err("{}") == "qmd: invalid request: request member 'verb' is missing\n");
  CHECK(err("{\"verb\":7}") == "qmd: invalid request: request member 'verb' must be a string\n");
  CHECK(err("{\"verb\":\"\"}") == "qmd: invalid request: request member 'verb' is empty\n");
  CHECK(err("{\"verb\":\"x\",\"args\":[1]}") == "qmd: invalid request: request member 'args' must be an array of strings\n");
  CHECK(protocol::oversized_request_reply().err == "qmd: invalid request: line longer than 1048576 bytes\n");
}

TEST_CASE("reply line: one line, parsed back exactly, invalid UTF-8 does not throw") {
  Reply r{3, "a\nb\n", "c\n"};
  const std::string line = protocol::reply_line(r);
  CHECK(line == "{\"err\":\"c\\n\",\"exit_code\":3,\"out\":\"a\\nb\\n\"}\n");
  Reply back = protocol::parse_reply_line(line.substr(0, line.size() - 1));
  CHECK(back.exit_code == 3);
  CHECK(back.out == "a\nb\n");
  CHECK(back.err == "c\n");
  CHECK_NOTHROW(protocol::reply_line(Reply{0, std::string("\xff\xfe"), {}}));
  CHECK_THROWS_WITH(protocol::parse_reply_line("{}"), "invalid reply from qmd: no integer 'exit_code'");
}

TEST_CASE("request line: progress and tty are optional booleans, sent only when set") {
  Request r;
  r.verb = "clone";
  CHECK_FALSE(protocol::request_to_json(r).contains("progress"));
  CHECK_FALSE(protocol::request_to_json(r).contains("tty"));
  r.progress = true;
  r.tty = true;
  CHECK(protocol::request_to_json(r)["progress"] == true);
  CHECK(protocol::request_to_json(r)["tty"] == true);
  auto parsed = protocol::parse_request_line(protocol::request_to_json(r).dump());
  REQUIRE(std::holds_alternative<Request>(parsed));
  CHECK(std::get<Request>(parsed).progress);
  CHECK(std::get<Request>(parsed).tty);
  CHECK_FALSE(std::get<Request>(parsed).live);  // a sink never comes from the line
  auto bad = protocol::parse_request_line(R"({"verb":"list","progress":1})");
  REQUIRE(std::holds_alternative<Reply>(bad));
  CHECK(std::get<Reply>(bad).err == "qmd: invalid request: request member 'progress' must be true or false\n");
}

TEST_CASE("progress line: one line, parsed back, a reply line parsed as the reply") {
  CHECK(protocol::progress_line(OutStream::out, "a\n") == "{\"progress\":{\"stream\":\"out\",\"text\":\"a\\n\"}}\n");
  CHECK(protocol::progress_line(OutStream::err, "\rb") == "{\"progress\":{\"stream\":\"err\",\"text\":\"\\rb\"}}\n");
  CHECK_NOTHROW(protocol::progress_line(OutStream::out, std::string("\xff")));
  auto p = protocol::parse_server_line(R"({"progress":{"stream":"err","text":"x\n"}})");
  REQUIRE(std::holds_alternative<protocol::Progress>(p));
  CHECK(std::get<protocol::Progress>(p).stream == OutStream::err);
  CHECK(std::get<protocol::Progress>(p).text == "x\n");
  auto r = protocol::parse_server_line(protocol::reply_line(Reply{255, "o", "e\n"}));
  REQUIRE(std::holds_alternative<Reply>(r));
  CHECK(std::get<Reply>(r).exit_code == 255);
  CHECK(std::get<Reply>(r).out == "o");
  CHECK(std::get<Reply>(r).err == "e\n");
  const std::string bad = "invalid reply from qmd: a progress line needs 'stream' (\"out\" or \"err\") and a string 'text'";
  CHECK_THROWS_WITH(protocol::parse_server_line(R"({"progress":{"stream":"tty","text":"x"}})"), bad);
  CHECK_THROWS_WITH(protocol::parse_server_line(R"({"progress":{"stream":"out"}})"), bad);
  CHECK_THROWS_WITH(protocol::parse_server_line(R"({"progress":"x"})"), bad);
  CHECK_THROWS_WITH(protocol::parse_server_line("[]"), "invalid reply from qmd: no integer 'exit_code'");
}

TEST_CASE("flush_live: streams the pending output once when a sink is set, else keeps it for the reply") {
  Request r;
  std::string pending = "line 1\n";
  r.flush_live(pending);
  CHECK(pending == "line 1\n");
  CHECK_FALSE(r.shows_terminal_progress());
  std::vector<std::pair<OutStream, std::string>> seen;
  r.live = [&](OutStream s, const std::string& t) { seen.emplace_back(s, t); };
  CHECK_FALSE(r.shows_terminal_progress());  // live, but no terminal
  r.flush_live(pending);
  CHECK(pending.empty());
  r.flush_live(pending);  // nothing left: nothing sent
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == std::make_pair(OutStream::out, std::string("line 1\n")));
  r.tty = true;
  CHECK(r.shows_terminal_progress());
}

TEST_CASE("the QMP socket is found in the command line") {
  CHECK(runtime::qmp_socket_of({"qemu", "-chardev", "socket,id=qmp,path=/r/100.qmp,server=on,wait=off", "-mon",
                                "chardev=qmp,mode=control"}) == "/r/100.qmp");
  CHECK(runtime::qmp_socket_of({"qemu", "-chardev", "socket,id=serial0,path=/r/s", "-qmp", "unix:/r/q.sock,server=on"}) ==
        "/r/q.sock");
  CHECK(runtime::qmp_socket_of({"qemu", "-chardev", "socket,id=serial0,path=/r/s"}).empty());
}

TEST_CASE("causes of transitions are worded once") {
  using namespace runtime;
  CHECK(cause::of_exit({true, 1, 0}) == "exited (code 1)");
  CHECK(cause::of_exit({true, 0, 9}) == "killed by signal 9");
  CHECK(cause::of_exit({false, 0, 0}) == "exited (status unknown)");
  CHECK(cause::start_by("alice") == "start by alice");
  auto e = status_event({100, "stopped", 0, "guest shutdown", ""});
  CHECK(e.type == "vm.status.changed");
  CHECK(e.payload == nlohmann::json{{"status", "stopped"}, {"pid", 0}, {"cause", "guest shutdown"}});
  auto d = status_event({100, "stopped", 0, "exited (code 1)", "kvm: bad"});
  CHECK(d.payload["detail"] == "kvm: bad");
}

TEST_CASE("timeouts and memory derived from the config as the spec says") {
  using namespace runtime;
  qmd::config::Section c;
  CHECK(memory_mib(c) == 512);
  CHECK(default_start_timeout_s(c) == 30);
  CHECK(default_shutdown_timeout_s(c) == 60);
  CHECK_FALSE(balloon_mib(c).has_value());
  c["memory"] = "current=65536";
  c["balloon"] = "0";
  c["startup"] = "order=2,down=17";
  CHECK(memory_mib(c) == 65536);
  CHECK(default_start_timeout_s(c) == 64);
  CHECK(default_shutdown_timeout_s(c) == 17);
  CHECK_FALSE(balloon_mib(c).has_value());
  c["balloon"] = "256";
  CHECK(balloon_mib(c) == 256);
  c["startup"] = "garbage=";
  CHECK(default_shutdown_timeout_s(c) == 60);
}

TEST_CASE("status --verbose fields and text") {
  qmd::projections::VmState s;
  s.vmid = 100;
  s.exists = true;
  s.conf.main["memory"] = "256";
  s.conf.main["balloon"] = "128";
  s.conf.main["name"] = "web";
  s.conf.main["sockets"] = "2";
  s.conf.main["cores"] = "2";
  runtime::LiveStatus stopped;
  auto f = status_fields(s, stopped);
  CHECK(f["status"] == "stopped");
  CHECK(f["qmpstatus"] == "stopped");
  CHECK_FALSE(f.contains("pid"));
  CHECK(f["maxmem"] == 268435456);
  CHECK(f["balloon"] == 134217728);
  CHECK(f["cpus"] == 4);
  CHECK(status_verbose_text(f) ==
        "balloon: 134217728\ncpus: 4\nmaxmem: 268435456\nname: web\nqmpstatus: stopped\nstatus: stopped\nuptime: 0\n"
        "vmid: 100\n");
  runtime::LiveStatus live;
  live.status = "running";
  live.qmpstatus = "paused";
  live.pid = 4242;
  live.uptime_s = 7;
  live.balloon = {{"actual", 100663296}};
  live.qemu_version = {{"major", 7}, {"minor", 2}, {"micro", 22}};
  f = status_fields(s, live);
  CHECK(f["pid"] == 4242);
  CHECK(f["uptime"] == 7);
  CHECK(f["balloon"] == 100663296);
  CHECK(f["ballooninfo"]["actual"] == 100663296);
  CHECK(f["running-qemu"] == "7.2.22");
}
