// Many VMs started and stopped through one qmd at the same time (real QEMU,
// TCG, diskless): every start succeeds, every stop leaves no QEMU behind, and
// every transition is in the log.
#include <catch2/catch.hpp>

#include <future>

#include "tests/daemon/qmd_fixture.h"

using namespace qmd::testing;

namespace {
constexpr int kVms = 12;

// Runs `qm <verb> <vmid> extra...` for every VM at once; returns the results in vmid order.
std::vector<RunResult> all_at_once(QmdNode& node, const std::string& verb, const std::vector<std::string>& extra = {}) {
  std::vector<std::future<RunResult>> f;
  for (int i = 0; i < kVms; ++i) {
    std::vector<std::string> args = {verb, std::to_string(100 + i)};
    args.insert(args.end(), extra.begin(), extra.end());
    f.push_back(std::async(std::launch::async, [&node, args] { return node.qm(args); }));
  }
  std::vector<RunResult> out;
  for (auto& x : f) out.push_back(x.get());
  return out;
}
}  // namespace

TEST_CASE("concurrency: VMs started and stopped all at once, none left running, all recorded") {
  QmdNode node;
  node.start_qmd();
  for (int i = 0; i < kVms; ++i) node.create_diskless(100 + i, 32);

  for (const auto& r : all_at_once(node, "start")) {
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
  }
  std::vector<pid_t> pids;
  for (int i = 0; i < kVms; ++i) {
    pids.push_back(node.vm_pid(100 + i));
    CHECK(alive(pids.back()));
    CHECK(node.qm({"status", std::to_string(100 + i)}).out == "status: running\n");
  }

  for (const auto& r : all_at_once(node, "stop", {"--timeout", "30"})) {
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
  }
  for (int i = 0; i < kVms; ++i) {
    INFO("VM " << 100 + i);
    CHECK_FALSE(alive(pids[i]));
    CHECK_FALSE(file_exists(node.run_dir() + "/" + std::to_string(100 + i) + ".pid"));
    const auto ev = node.status_events(100 + i);
    REQUIRE(ev.size() == 2);
    CHECK(ev[0]["status"] == "running");
    CHECK(ev[1]["status"] == "stopped");
    CHECK(ev[1]["cause"] == "stop request");
  }
  // A second round on the same qmd: nothing left over from the first.
  for (const auto& r : all_at_once(node, "start")) CHECK(r.exit_code == 0);
  for (const auto& r : all_at_once(node, "stop", {"--timeout", "30"})) CHECK(r.exit_code == 0);
  for (int i = 0; i < kVms; ++i) CHECK(node.qm({"status", std::to_string(100 + i)}).out == "status: stopped\n");
  CHECK(node.qm({"list"}).out.find("running") == std::string::npos);
}
