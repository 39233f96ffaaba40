// A live migration's progress reaches the user while it runs: through qm (a
// child process, its stdout read as it comes) and through a raw socket client
// that asked for progress lines; a client hanging up mid-way does not stop it.
#include <catch2/catch.hpp>

#include <regex>

#include "tests/daemon/line_client.h"
#include "tests/migrate/cluster_fixture.h"

using namespace qmd::testing;
using Clock = std::chrono::steady_clock;

namespace {

// KiB/s: a diskless 64 MiB VM then takes a few seconds to move, so that
// several progress lines (about one a second) come before the end.
const char* const kBwlimit = "200";

const std::regex kActive(
    "migration active, transferred [0-9.]+ [KMG]?i?B of [0-9.]+ [KMG]?i?B VM-state, remaining [0-9.]+ [KMG]?i?B, "
    "dirty rate [0-9]+ pages/s");

struct TimedLine {
  std::string text;
  Clock::time_point at;
};

// `migrate 100 <target> --online --bwlimit kBwlimit` as a socket client asking for progress sends it.
nlohmann::json live_migrate_request(const std::string& target) {
  return {{"verb", "migrate"},
          {"args", {"100", target}},
          {"options", nlohmann::json::array({nlohmann::json::array({"online", "1"}),
                                             nlohmann::json::array({"bwlimit", kBwlimit})})},
          {"progress", true}};
}

}  // namespace

TEST_CASE("migrate progress: qm prints the progress lines while the live migration runs, each once, in order") {
  Cluster c;
  c.start_with_vm_running_on_a();
  std::vector<TimedLine> lines;
  std::string partial;
  // Asked on b for a VM of a: b's qmd forwards it to a's and passes a's progress lines on.
  auto r = run({binary("qm"), "migrate", "100", "b", "--online", "--bwlimit", kBwlimit}, c.b.env(), {},
               [&](std::string_view chunk) {
                 partial.append(chunk);
                 for (auto nl = partial.find('\n'); nl != std::string::npos; nl = partial.find('\n')) {
                   lines.push_back({partial.substr(0, nl), Clock::now()});
                   partial.erase(0, nl + 1);
                 }
               });
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(partial.empty());
  REQUIRE(lines.size() >= 6);
  CHECK(lines[0].text == "starting migration of VM 100 to node 'b' (127.0.0.1)");
  CHECK(lines[1].text.starts_with("start remote VM: tcp:127.0.0.1:"));
  const std::size_t n = lines.size();
  for (std::size_t i = 2; i + 2 < n; ++i) {
    INFO(lines[i].text);
    CHECK(std::regex_match(lines[i].text, kActive));
  }
  CHECK(lines[n - 2].text.starts_with("average migration speed: "));
  CHECK(lines[n - 1].text.starts_with("migration finished successfully (duration 00:00:"));
  // At least three progress lines, and they came as the migration went, not with its end.
  CHECK(n - 4 >= 3);
  CHECK(lines[n - 1].at - lines[2].at >= std::chrono::milliseconds(1500));
  CHECK(lines[n - 1].at - lines[3].at >= std::chrono::milliseconds(500));
  CHECK(alive(c.b.vm_pid(100)));
  c.b.qm_ok({"stop", "100"});
}

TEST_CASE("migrate progress: a socket client gets progress lines before the reply, hanging up does not stop the migration") {
  Cluster c;
  const pid_t src = c.start_with_vm_running_on_a();

  // Whole: all lines streamed, the reply carries only the rest.
  {
    LineClient client(c.a.sock());
    client.send(live_migrate_request("b"));
    std::vector<ArrivedLine> got;
    for (;;) {
      auto l = client.next();
      REQUIRE(l);
      got.push_back(*l);
      if (!l->json.contains("progress")) break;
    }
    REQUIRE(got.size() >= 4);
    const std::string first = got[0].json["progress"]["text"];
    CHECK(got[0].json["progress"]["stream"] == "out");
    CHECK(std::regex_match(first, std::regex("starting migration of VM 100 to node 'b' \\(127\\.0\\.0\\.1\\)\n"
                                             "start remote VM: tcp:127\\.0\\.0\\.1:[0-9]+\n")));
    for (std::size_t i = 1; i + 1 < got.size(); ++i) {
      const std::string text = got[i].json["progress"]["text"];
      INFO(text);
      CHECK(got[i].json["progress"]["stream"] == "out");
      CHECK(std::regex_match(text.substr(0, text.size() - 1), kActive));
      CHECK(text.back() == '\n');
    }
    const auto& reply = got.back();
    CHECK(reply.json["exit_code"] == 0);
    CHECK(reply.json["err"] == "");
    const std::string out = reply.json["out"];
    CHECK(std::regex_match(out, std::regex("average migration speed: [^\n]+\n"
                                           "migration finished successfully \\(duration 00:00:[0-9]{2}\\)\n")));
    CHECK(reply.at - got[1].at >= std::chrono::milliseconds(1000));
  }
  REQUIRE(eventually([&] { return !alive(src); }, 20000));

  // Back to a, and the client hangs up after two progress lines.
  const pid_t on_b = c.b.vm_pid(100);
  {
    LineClient client(c.b.sock());
    client.send(live_migrate_request("a"));
    int active = 0;
    while (active < 2) {
      auto l = client.next();
      REQUIRE(l);
      REQUIRE(l->json.contains("progress"));  // the reply must not have come yet
      if (l->json["progress"]["text"].get<std::string>().starts_with("migration active")) ++active;
    }
  }
  REQUIRE(eventually([&] { return c.a.vm_pid(100) != 0 && !alive(on_b); }, 60000));
  CHECK(alive(c.a.vm_pid(100)));
  CHECK(c.b.qm({"status", "100"}).out == "status: running\n");  // answered by a, its owner again
  const auto evs = c.a.events(100);
  CHECK(evs.back()["type"] == "vm.operation.completed");
  // The request ran to its end on b (the reply was dropped).
  CHECK(eventually([&] { return std::regex_search(c.b.log(), std::regex("migrate by [^:\n]+: migrate → exit 0 ")); }, 20000));
  c.a.qm_ok({"stop", "100"});
}

TEST_CASE("migrate progress: an offline migration shows the disk copy's percentages only on the user's terminal") {
  Cluster c;
  c.start();
  c.a.qm_ok({"create", "100", "--memory", "64", "--scsi0", "local:1"});
  c.a.qm_ok({"create", "101", "--memory", "64", "--scsi0", "local:1"});
  // Not a terminal: the lines of old, nothing on stderr.
  auto r = c.a.qm({"migrate", "100", "b", "--with-local-disks"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find('%') == std::string::npos);
  // script(1) gives qm a pseudo-terminal (qmd is told so); what qm writes comes back on its stdout.
  r = run_on_terminal(binary("qm") + " migrate 101 b --with-local-disks", c.a.env());
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(appear_in_order(r.out, {"copying local disk 'local:101/vm-101-disk-0.qcow2' to node 'b'\r\n",
                                 "local:101/vm-101-disk-0.qcow2: 100%\r\n", "migration finished successfully"}));
  CHECK(r.out.find("copying local disk") == r.out.rfind("copying local disk"));  // once
}
