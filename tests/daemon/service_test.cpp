// The qmd service itself: its socket, bad input, forwarding from qm, the
// no-qmd behaviour, SIGTERM.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/daemon/qmd_fixture.h"

using namespace qmd::testing;

namespace {

// Writes `bytes` to the socket, then reads every reply line until qmd closes
// or `lines` lines arrived.
std::vector<std::string> exchange(const std::string& path, const std::string& bytes, std::size_t lines) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  for (std::size_t off = 0; off < bytes.size();) {
    const ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;  // qmd may close early on an over-long line
    off += static_cast<std::size_t>(n);
  }
  std::string in;
  std::vector<std::string> out;
  char buf[4096];
  while (out.size() < lines) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
    for (auto nl = in.find('\n'); nl != std::string::npos; nl = in.find('\n')) {
      out.push_back(in.substr(0, nl));
      in.erase(0, nl + 1);
    }
  }
  ::close(fd);
  return out;
}

nlohmann::json reply(const std::string& line) { return nlohmann::json::parse(line); }

}  // namespace

TEST_CASE("qmd: socket is 0600, bad input gets error replies and the service keeps serving") {
  QmdNode node;
  node.start_qmd();
  struct stat st{};
  REQUIRE(::stat(node.sock().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto r = exchange(node.sock(), "garbage\n{\"verb\":\"list\"\n{\"verb\":\"frobnicate\"}\n{\"verb\":\"list\"}\n", 4);
  REQUIRE(r.size() == 4);
  CHECK(reply(r[0])["exit_code"] == 255);
  CHECK(reply(r[0])["err"].get<std::string>().starts_with("qmd: invalid request: not JSON ("));
  CHECK(reply(r[1])["err"].get<std::string>().starts_with("qmd: invalid request: not JSON ("));
  CHECK(reply(r[2]) == nlohmann::json{{"exit_code", 255}, {"out", ""}, {"err", "unknown command 'qm frobnicate'\n"}});
  CHECK(reply(r[3]) == nlohmann::json{{"exit_code", 0}, {"out", ""}, {"err", ""}});

  // 2 MiB without a newline: error reply, then the connection is closed.
  auto huge = exchange(node.sock(), std::string(2 * 1024 * 1024, 'x'), 2);
  REQUIRE(huge.size() == 1);
  CHECK(reply(huge[0])["err"] == "qmd: invalid request: line longer than 1048576 bytes\n");

  // A client that sends half a request and vanishes.
  exchange(node.sock(), "{\"verb\":\"li", 0);

  auto ok = node.qm({"list"});
  CHECK(ok.exit_code == 0);
  CHECK(ok.err.empty());
  CHECK(socket_answers(node.sock()));
}

TEST_CASE("qmd: the actor is the socket peer, whatever the request claims") {
  QmdNode node;
  node.start_qmd();
  node.create_diskless(100);
  nlohmann::json req = {{"verb", "set"},
                        {"args", {"100"}},
                        {"options", nlohmann::json::array({nlohmann::json::array({"name", "claimed"})})},
                        {"command_line", "qm set 100 --name claimed"},
                        {"actor", {{"user", "mallory"}, {"uid", 4242}}},
                        {"user", "mallory"}};
  auto r = exchange(node.sock(), req.dump() + "\n", 1);
  REQUIRE(r.size() == 1);
  CHECK(reply(r[0])["exit_code"] == 0);
  auto h = node.qm({"history", "100", "--output-format", "json"});
  auto events = nlohmann::json::parse(h.out);
  REQUIRE(events.size() == 2);
  CHECK(events[1]["type"] == "vm.config.updated");
  CHECK(events[1]["uid"] == static_cast<int64_t>(::getuid()));
  CHECK(events[1]["user"] != "mallory");
  CHECK(events[1]["command"] == "qm set 100 --name claimed");
}

TEST_CASE("qm without qmd: config verbs run in-process, runtime verbs say qmd is not running") {
  QmdNode node;
  node.create_diskless(100);
  auto list = node.qm({"list"});
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("       100 VM 100") != std::string::npos);
  const std::string msg = "qmd is not running (no answer on " + node.sock() +
                          ") - start it with 'systemctl start qmd' or 'qmd --data-dir " + node.dir() + "'\n";
  for (const char* verb : {"start", "stop", "shutdown", "reboot", "reset", "suspend", "resume", "wait", "status"}) {
    auto r = node.qm({verb, "100"});
    INFO(verb);
    CHECK(r.exit_code == 255);
    CHECK(r.out.empty());
    CHECK(r.err == msg);
  }
}

TEST_CASE("qmd: a second qmd on the same socket refuses to start, SIGTERM ends qmd cleanly") {
  QmdNode node;
  node.start_qmd();
  auto second = run({"/bin/sh", "-c", "exec " + binary("qmd") + " --foreground"}, node.env());
  CHECK(second.exit_code == 1);
  CHECK(second.err.find("qmd is already running (" + node.sock() + " answers)") != std::string::npos);
  CHECK(node.qm({"list"}).exit_code == 0);
  CHECK(node.signal_qmd(SIGTERM) == 0);
  CHECK_FALSE(file_exists(node.sock()));
  CHECK(node.log().find("qmd stopped") != std::string::npos);
}

TEST_CASE("qmd: option errors") {
  auto r = run({binary("qmd"), "--bogus"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.starts_with("qmd: unknown option '--bogus'\nusage: qmd "));
  r = run({binary("qmd"), "--log-level", "loud"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.starts_with("qmd: invalid log level 'loud'"));
}
