// Concurrency and crash safety through real qm processes.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "tests/cli/qm_fixture.h"

using namespace qmd::testing;

namespace {
// Every command line recorded in the log's meta.
std::multiset<std::string> logged_commands(const Qm& qm) {
  auto r = qm({"audit", "--output-format", "json"});
  std::multiset<std::string> out;
  const std::regex re("\"command\":\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), re); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}
}  // namespace

TEST_CASE("concurrent qm set on one VM: each succeeds or reports the conflict, none is lost",
          "[cli][concurrency]") {
  Qm qm;
  REQUIRE(qm({"create", "100"}).exit_code == 0);
  constexpr int kProcs = 4, kEach = 15;
  std::vector<std::vector<RunResult>> results(kProcs);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProcs; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < kEach; ++i) results[p].push_back(qm({"set", "100", "-name", "p" + std::to_string(p) + "n" + std::to_string(i)}));
    });
  }
  for (auto& t : threads) t.join();
  const auto logged = logged_commands(qm);
  int ok = 0;
  for (int p = 0; p < kProcs; ++p) {
    for (int i = 0; i < kEach; ++i) {
      const auto& r = results[p][i];
      const std::string cmd = "qm set 100 -name p" + std::to_string(p) + "n" + std::to_string(i);
      if (r.exit_code == 0) {
        ++ok;
        CHECK(logged.count(cmd) == 1);
      } else {
        CHECK(r.err.find("conflict on stream 'vm/100'") != std::string::npos);
        CHECK(logged.count(cmd) == 0);
      }
    }
  }
  CHECK(ok > 0);
  auto v = qm({"verify"});
  INFO(v.err);
  CHECK(v.exit_code == 0);
}

TEST_CASE("kill -9 at random moments loses no acknowledged command", "[cli][crash]") {
  Qm qm;
  REQUIRE(qm({"create", "100", "-scsi0", "local:0.001"}).exit_code == 0);
  // Kill moments spread over a whole command's run time (measured here, since
  // it depends on the disk), so that some trials finish and some are cut short.
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(qm({"set", "100", "-name", "timing"}).exit_code == 0);
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  std::mt19937 rng(12345);
  std::vector<std::string> acknowledged;
  int killed = 0;
  // At least 60 trials; more (with a wider spread of kill moments) when the
  // machine's load made too few of them finish or too few be cut short.
  for (int trial = 0; trial < 60 || ((acknowledged.size() < 5 || killed < 10) && trial < 300); ++trial) {
    std::uniform_int_distribution<int> delay_us(0, static_cast<int>(took * 3 / 2 * (1 + trial / 60)));
    const std::string name = "t" + std::to_string(trial);
    std::vector<std::string> args = {binary("qm"), "set", "100", "-name", name};
    if (trial % 3 == 1) args = {binary("qm"), "set", "100", "-cores", std::to_string(1 + trial % 7), "-name", name};
    if (trial % 5 == 4) args = {binary("qm"), "set", "100", "-description", "crash trial " + name, "-name", name};
    const pid_t pid = spawn(args, qm.env());
    ::usleep(static_cast<useconds_t>(delay_us(rng)));
    ::kill(pid, SIGKILL);
    const int code = wait_for(pid);
    if (code == 0) {
      std::string cmd = "qm";
      for (size_t i = 1; i < args.size(); ++i) cmd += " " + (args[i].find(' ') != std::string::npos ? "'" + args[i] + "'" : args[i]);
      acknowledged.push_back(cmd);
    } else {
      ++killed;
    }
  }
  INFO("acknowledged " << acknowledged.size() << ", killed " << killed);
  const auto logged = logged_commands(qm);
  for (const auto& cmd : acknowledged) CHECK(logged.count(cmd) == 1);
  auto v = qm({"verify"});
  INFO(v.err);
  CHECK(v.exit_code == 0);
  CHECK(killed >= 10);
  CHECK(acknowledged.size() >= 5);
}
