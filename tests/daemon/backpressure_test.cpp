// qmd bounds what it holds for one client (socket_server.h): a client that
// writes while its request waits, or that does not read its replies, is held
// back by its own socket instead of being buffered without end.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "service/protocol/lines.h"
#include "tests/daemon/line_client.h"
#include "tests/daemon/qmd_fixture.h"

using namespace qmd::testing;
using qmd::service::protocol::kMaxQueuedOutput;
using qmd::service::protocol::kMaxRequestLine;

namespace {

// A non-blocking raw connection to qmd's socket.
class RawConn {
 public:
  explicit RawConn(const std::string& path) : conn_(connect_unix(path)), fd_(conn_.fd()) {
    REQUIRE(::fcntl(fd_, F_SETFL, O_NONBLOCK) == 0);
  }

  // Sends what the socket takes now; the number of bytes taken.
  std::size_t send_some(const std::string& bytes) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  // Sends all of `bytes`, waiting for room as long as it takes.
  void send_all(const std::string& bytes) {
    for (std::size_t off = 0; off < bytes.size();) {
      off += send_some(bytes.substr(off));
      if (off < bytes.size()) wait_for(POLLOUT, 1000);
    }
  }
  // Keeps sending `chunk` until the socket has taken nothing for `idle_ms`
  // or `cap` bytes went; the bytes taken.
  std::size_t send_until_held(const std::string& chunk, std::size_t cap, int idle_ms) {
    std::size_t total = 0;
    while (total < cap) {
      const std::size_t n = send_some(chunk);
      total += n;
      if (n == 0 && !wait_for(POLLOUT, idle_ms)) break;
    }
    return total;
  }
  // The next line, or "" when none came within timeout_ms (or EOF).
  std::string line(int timeout_ms = 30000) {
    for (;;) {
      if (auto nl = in_.find('\n'); nl != std::string::npos) {
        std::string l = in_.substr(0, nl);
        in_.erase(0, nl + 1);
        return l;
      }
      if (!wait_for(POLLIN, timeout_ms)) return "";
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return "";
      in_.append(buf, static_cast<std::size_t>(n));
    }
  }
  // Whether qmd closed the connection: EOF, or a reset when it closed with
  // bytes of ours still unread (what a held-back writer leaves).
  bool closed_by_peer(int timeout_ms) {
    if (!in_.empty() || !wait_for(POLLIN, timeout_ms)) return false;
    char c;
    return ::recv(fd_, &c, 1, 0) <= 0;
  }

 private:
  bool wait_for(short events, int timeout_ms) {
    pollfd p{fd_, events, 0};
    return ::poll(&p, 1, timeout_ms) == 1;
  }
  qmd::service::client::Connection conn_;  // owns the socket
  int fd_ = -1;
  std::string in_;
};

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string l; std::getline(in, l);)
    if (l.starts_with("VmRSS:")) return std::stol(l.substr(6));
  return -1;
}

// How many sockets the process has open (the listening one, one per connection).
std::size_t open_sockets(pid_t pid) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    const auto target = std::filesystem::read_symlink(e.path(), ec);
    if (!ec && target.string().starts_with("socket:")) ++n;
  }
  return n;
}

// The count of qmd's sockets once it has stayed the same for 300 ms (qmd
// closes a finished client's socket asynchronously).
std::size_t settled_sockets(pid_t pid) {
  std::size_t last = open_sockets(pid);
  for (int i = 0; i < 50; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const std::size_t now = open_sockets(pid);
    if (now == last) return now;
    last = now;
  }
  return last;
}

}  // namespace

TEST_CASE("qmd: a client writing on while its request waits is held back by its socket, not buffered") {
  QmdNode node;
  node.start_qmd();
  node.create_diskless(100);

  // The VM's flock held here: a `set` waits for it (up to 10 s) in qmd.
  const std::string lock_path = node.dir() + "/lock/lock-100.conf";
  const int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(lock_fd >= 0);
  REQUIRE(::flock(lock_fd, LOCK_EX) == 0);

  RawConn conn(node.sock());
  const nlohmann::json set = {{"verb", "set"},
                              {"args", {"100"}},
                              {"options", nlohmann::json::array({nlohmann::json::array({"name", "held"})})},
                              {"command_line", "qm set 100 --name held"}};
  conn.send_all(set.dump() + "\n");
  // Then 64 MiB of one endless line, as fast as the socket takes it. qmd keeps
  // at most kMaxRequestLine (+ one read) of it; the rest waits in the kernel's
  // socket buffers, so the writer is stopped long before 64 MiB.
  const std::size_t taken = conn.send_until_held(std::string(64 * 1024, 'x'), 64 * 1024 * 1024, 500);
  INFO("bytes taken: " << taken);
  CHECK(taken > kMaxRequestLine);  // qmd did read up to its bound
  CHECK(taken < 4 * kMaxRequestLine);

  // The waiting request still completes and is answered, then the endless
  // line is refused as over-long and the connection closed.
  ::flock(lock_fd, LOCK_UN);
  ::close(lock_fd);
  const std::string first = conn.line();
  REQUIRE_FALSE(first.empty());
  CHECK(nlohmann::json::parse(first) == nlohmann::json{{"exit_code", 0}, {"out", ""}, {"err", ""}});
  const std::string second = conn.line();
  REQUIRE_FALSE(second.empty());
  CHECK(nlohmann::json::parse(second)["err"] == "qmd: invalid request: line longer than 1048576 bytes\n");
  CHECK(conn.closed_by_peer(10000));

  auto cfg = node.qm({"config", "100"});
  CHECK(cfg.out.find("name: held\n") != std::string::npos);
}

TEST_CASE("qmd: a client that does not read its replies is not served further until it does") {
  QmdNode node;
  node.start_qmd();
  node.create_diskless(100);
  // A config of about 8 KiB, so each reply is that big.
  REQUIRE(node.qm({"set", "100", "--description", std::string(8000, 'd')}).exit_code == 0);
  const std::string expected = node.qm({"config", "100"}).out;
  REQUIRE(expected.size() > 8000);

  // 3,000 requests (about 24 MiB of replies) sent at once, none read.
  const int requests = 3000;
  const std::string one = nlohmann::json{{"verb", "config"}, {"args", {"100"}}}.dump() + "\n";
  std::string all;
  for (int i = 0; i < requests; ++i) all += one;
  RawConn conn(node.sock());
  const long rss_before = rss_kib(node.qmd_pid());
  conn.send_all(all);

  // qmd answers until kMaxQueuedOutput is waiting for the client, then holds
  // the rest: its memory grows by about that bound, not by all the replies.
  long rss_held = 0;
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    rss_held = std::max(rss_held, rss_kib(node.qmd_pid()));
  }
  const long grown_kib = rss_held - rss_before;
  INFO("qmd RSS before " << rss_before << " KiB, while held " << rss_held << " KiB");
  CHECK(grown_kib < static_cast<long>(3 * kMaxQueuedOutput / 1024));

  // Another client is served meanwhile.
  CHECK(node.qm({"status", "100"}).out == "status: stopped\n");

  // Reading on, the client gets every reply, in full, in order.
  int got = 0;
  for (; got < requests; ++got) {
    const std::string l = conn.line();
    if (l.empty()) break;
    const auto j = nlohmann::json::parse(l);
    if (j["exit_code"] != 0 || j["out"] != expected) break;
  }
  CHECK(got == requests);
}

TEST_CASE("qmd: a client that went away while held back is dropped, none of its waiting requests runs") {
  QmdNode node;
  node.start_qmd();
  node.create_diskless(100);
  REQUIRE(node.qm({"set", "100", "--description", std::string(8000, 'd')}).exit_code == 0);

  // 3,000 requests with ≈ 8 KiB replies that the client never reads: qmd
  // holds back after about 4 MiB of them. Each handled one is in qmd's log.
  const std::string tag = "qm config 100 #unread";
  auto handled = [&] {
    const std::string log = node.log();
    std::size_t n = 0;
    for (std::size_t at = log.find(tag + " → exit 0"); at != std::string::npos; at = log.find(tag + " → exit 0", at + 1))
      ++n;
    return n;
  };
  std::string all;
  const std::string one =
      nlohmann::json{{"verb", "config"}, {"args", {"100"}}, {"command_line", tag}}.dump() + "\n";
  for (int i = 0; i < 3000; ++i) all += one;
  // qmd closes the sockets of the qm calls above a moment after they end;
  // count its sockets once that has happened.
  const std::size_t sockets_before = settled_sockets(node.qmd_pid());
  std::size_t held_at = 0;
  {
    RawConn conn(node.sock());
    conn.send_all(all);
    // Held: the count stops growing (over 300 ms), well short of 3,000.
    std::size_t last = SIZE_MAX;
    for (int i = 0; i < 60 && handled() != last; ++i) {
      last = handled();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    held_at = handled();
    CHECK(held_at == last);
    INFO("handled before the hold: " << held_at);
    CHECK(held_at > 0);
    CHECK(held_at < 1000);
    CHECK(open_sockets(node.qmd_pid()) == sockets_before + 1);
  }  // closed with the replies unread

  // Its writes fail: qmd drops the connection and runs none of what waited.
  CHECK(eventually([&] { return open_sockets(node.qmd_pid()) == sockets_before; }, 5000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(handled() == held_at);
  CHECK(node.qm({"status", "100"}).out == "status: stopped\n");  // and it serves on
}
