#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <set>

#include "events/sqlite_store.h"
#include "tests/events/event_test_support.h"

using namespace qmd::events;
using namespace qmd::events::testing;

namespace {

constexpr int kChildren = 4;
constexpr int kAppendsPerChild = 40;

// Runs in a forked child: its own connection, read-then-append with the version
// it read, retrying on conflict. Exit code 0 only if every failure was a
// ConflictError; the counts go to a file for the parent.
[[noreturn]] void child_main(const std::string& db_path, const std::string& report, int child, int start_fd) {
  int code = 0;
  try {
    auto db = Database::open(db_path);
    SqliteEventStore store(*db);
    char c;
    while (read(start_fd, &c, 1) < 0 && errno == EINTR) {
    }  // EOF once the parent has forked everyone: all start together
    int appended = 0, conflicts = 0;
    while (appended < kAppendsPerChild) {
      const int64_t version = store.stream_version("vm/100");
      usleep(200);  // the time a command takes to decide: lets others get in between
      try {
        store.append("vm/100", version, {ev("vm.updated", {{"child", child}, {"n", appended}})}, test_meta());
        ++appended;
      } catch (const ConflictError&) {
        ++conflicts;
      }
    }
    std::ofstream(report) << appended << ' ' << conflicts << '\n';
  } catch (const std::exception& e) {
    std::ofstream(report) << "error: " << e.what() << '\n';
    code = 1;
  }
  _exit(code);
}

}  // namespace

TEST_CASE("concurrent processes appending to one stream: each append succeeds or conflicts, none is lost") {
  TempDir dir;
  const std::string path = dir.file("qmd.db");
  auto db = Database::open(path);
  SqliteEventStore store(*db);
  store.append("vm/100", kNoStream, {ev("vm.created")}, test_meta());

  int start[2];
  REQUIRE(pipe(start) == 0);
  std::vector<pid_t> pids;
  for (int i = 0; i < kChildren; ++i) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(start[1]);
      child_main(path, dir.file("child-" + std::to_string(i)), i, start[0]);
    }
    pids.push_back(pid);
  }
  close(start[0]);
  close(start[1]);
  for (int i = 0; i < kChildren; ++i) {
    int status = 0;
    REQUIRE(waitpid(pids[i], &status, 0) == pids[i]);
    std::ifstream in(dir.file("child-" + std::to_string(i)));
    std::string report((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO("child " << i << " reported: " << report);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }

  const int64_t total = 1 + kChildren * kAppendsPerChild;
  CHECK(store.head_seq() == total);
  CHECK(store.stream_version("vm/100") == total);
  auto events = store.read_stream("vm/100");
  REQUIRE(events.size() == static_cast<size_t>(total));
  std::set<std::pair<int, int>> appended;
  for (size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].version == static_cast<int64_t>(i) + 1);
    CHECK(events[i].seq == static_cast<int64_t>(i) + 1);
    if (i > 0) appended.insert({events[i].payload.at("child").get<int>(), events[i].payload.at("n").get<int>()});
  }
  CHECK(appended.size() == static_cast<size_t>(kChildren * kAppendsPerChild));
  std::string why;
  CHECK(store.verify_chain(&why) == std::nullopt);
}

TEST_CASE("processes opening the same fresh file at once all get a migrated database") {
  TempDir dir;
  const std::string path = dir.file("fresh.db");
  int start[2];
  REQUIRE(pipe(start) == 0);
  std::vector<pid_t> pids;
  for (int i = 0; i < kChildren; ++i) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(start[1]);
      char c;
      while (read(start[0], &c, 1) < 0 && errno == EINTR) {
      }
      int code = 0;
      try {
        auto db = Database::open(path);
        SqliteEventStore store(*db);
        store.append("node/n" + std::to_string(i), kNoStream, {ev("node.joined")}, test_meta());
      } catch (const std::exception& e) {
        std::ofstream(dir.file("error-" + std::to_string(i))) << e.what();
        code = 1;
      }
      _exit(code);
    }
    pids.push_back(pid);
  }
  close(start[0]);
  close(start[1]);
  for (int i = 0; i < kChildren; ++i) {
    int status = 0;
    REQUIRE(waitpid(pids[i], &status, 0) == pids[i]);
    std::ifstream in(dir.file("error-" + std::to_string(i)));
    std::string error((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO("child " << i << ": " << error);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  auto db = Database::open(path);
  SqliteEventStore store(*db);
  CHECK(store.streams("node/") == std::vector<std::string>{"node/n0", "node/n1", "node/n2", "node/n3"});
  CHECK(store.verify_chain(nullptr) == std::nullopt);
}
