// Autoballoon on qmd's loop with the real test guest (docs/test-guest.md)
// under TCG: host memory figures come from a file (the narrow boundary), every
// other part is real — qmd, QEMU, the guest's virtio_balloon driver, QMP, the
// event log. The balloon size is read back from query-balloon through
// `qm status --verbose --output-format json` (field `balloon`).
#include <catch2/catch.hpp>

#include "tests/support/test_guest.h"

#include <cstdlib>
#include <sstream>

#include "service/autoballoon/planner.h"
#include "tests/daemon/qmd_fixture.h"

using namespace qmd::testing;
using nlohmann::json;

namespace {

using qmd::autoballoon::kMiB;

using qmd::testing::guest_dir;

bool have_guest() {
  const std::string g = guest_dir();
  return file_exists(g + "/vmlinux") && file_exists(g + "/initramfs.cpio.gz");
}

// A host of 10 GiB whose MemAvailable is `available_gib`: with the default
// ballooning-target of 80 % the goal is (available - 2) GiB.
void write_host(const std::string& path, int available_gib) {
  write_file(path + ".tmp", "MemTotal:       10485760 kB\nMemFree:          524288 kB\nMemAvailable:    " +
                                std::to_string(available_gib * 1048576) + " kB\n");
  std::rename((path + ".tmp").c_str(), path.c_str());
}

void create_guest(QmdNode& node, int vmid, std::vector<std::string> options) {
  const std::string g = guest_dir();
  std::vector<std::string> args = {"create", std::to_string(vmid), "--memory", "256"};
  args.insert(args.end(), options.begin(), options.end());
  args.insert(args.end(), {"--args", "-kernel " + g + "/vmlinux -initrd " + g +
                                         "/initramfs.cpio.gz -append 'console=ttyS0 quiet' -serial file:" +
                                         node.dir() + "/" + std::to_string(vmid) + ".serial"});
  auto r = node.qm(args);
  REQUIRE(r.exit_code == 0);
}

bool guest_ready(QmdNode& node, int vmid) {
  return read_file(node.dir() + "/" + std::to_string(vmid) + ".serial").find("QMD-GUEST-READY") != std::string::npos;
}

// The balloon size QEMU reports (query-balloon actual), in bytes.
std::int64_t balloon_of(QmdNode& node, int vmid) {
  auto r = node.qm({"status", std::to_string(vmid), "--verbose", "--output-format", "json"});
  if (r.exit_code != 0) return -1;
  return json::parse(r.out).value("balloon", std::int64_t{-1});
}

bool balloon_reaches(QmdNode& node, int vmid, std::int64_t bytes, int timeout_ms = 90000) {
  return eventually([&] { return balloon_of(node, vmid) == bytes; }, timeout_ms);
}

// History entries of one type.
std::vector<json> events_of(QmdNode& node, int vmid, const std::string& type) {
  auto r = node.qm({"history", std::to_string(vmid), "--output-format", "json"});
  std::vector<json> out;
  for (const auto& e : json::parse(r.out))
    if (e["type"] == type) out.push_back(e);
  return out;
}

// The plan of the last cycle qmd logged (debug level): "autoballoon cycle N: {...}".
json last_logged_plan(const std::string& log) {
  json plan;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find("autoballoon cycle ");
    if (at == std::string::npos) continue;
    const auto brace = line.find('{', at);
    if (brace != std::string::npos) plan = json::parse(line.substr(brace), nullptr, false);
  }
  return plan;
}

}  // namespace

TEST_CASE("autoballoon: a real guest's balloon follows the host's memory while shares 0 and floorless and driverless VMs stay",
          "[autoballoon][guest]") {
  if (!have_guest()) {
    WARN("SKIP: test guest not found in " << guest_dir() << " (run tests/guest/build-guest.sh)");
    return;
  }
  QmdNode node;
  const std::string host = node.dir() + "/meminfo";
  write_host(host, 2);  // goal 0: inside the dead band, nothing moves
  node.extra_env = {{"QMD_BALLOON_INTERVAL", "1"}, {"QMD_MEMINFO", host}};
  node.start_qmd();

  create_guest(node, 300, {"--balloon", "160"});                   // autoballooned
  create_guest(node, 301, {"--balloon", "160", "--shares", "0"});  // manual ballooning
  create_guest(node, 302, {});                                     // no balloon floor
  REQUIRE(node.qm({"create", "303", "--memory", "64", "--balloon", "32"}).exit_code == 0);  // no guest OS: no driver
  for (int vmid : {300, 301, 302, 303}) REQUIRE(node.qm({"start", std::to_string(vmid)}).exit_code == 0);
  for (int vmid : {300, 301, 302, 303}) node.vm_pid(vmid);
  for (int vmid : {300, 301, 302}) REQUIRE(eventually([&] { return guest_ready(node, vmid); }, 180000));
  // qm start set the targets of 300 and 301 to their `balloon`; their drivers inflate.
  REQUIRE(balloon_reaches(node, 300, 160 * kMiB));
  REQUIRE(balloon_reaches(node, 301, 160 * kMiB));

  // Room on the host (goal +4 GiB): 300 grows to its maximum in one step of <= 100 MiB.
  write_host(host, 6);
  REQUIRE(balloon_reaches(node, 300, 256 * kMiB));
  CHECK(balloon_of(node, 301) == 160 * kMiB);
  CHECK(balloon_of(node, 302) == 256 * kMiB);
  CHECK(balloon_of(node, 303) == 64 * kMiB);

  // A shortage (goal -1 GiB): 300 gives back down to its floor.
  write_host(host, 1);
  REQUIRE(balloon_reaches(node, 300, 160 * kMiB));
  CHECK(balloon_of(node, 301) == 160 * kMiB);
  CHECK(balloon_of(node, 302) == 256 * kMiB);
  CHECK(balloon_of(node, 303) == 64 * kMiB);

  // One event per series of changes, with what the decision was based on.
  INFO("history of 300:\n" << node.qm({"history", "300"}).out);
  INFO("qmd log (autoballoon lines):\n" << [&] {
    std::istringstream in(node.log());
    std::string out;
    for (std::string line; std::getline(in, line);)
      if (line.find("autoballoon") != std::string::npos || line.find("error") != std::string::npos) out += line + "\n";
    return out.size() > 6000 ? out.substr(out.size() - 6000) : out;
  }());
  REQUIRE(eventually([&] { return events_of(node, 300, "vm.balloon.target").size() >= 2; }, 30000));
  const auto ev = events_of(node, 300, "vm.balloon.target");
  REQUIRE(ev.size() == 2);
  CHECK(ev[0]["payload"] == json::parse(R"({"from":167772160,"target":268435456,"cycles":1,"goal":4294967296,)"
                                        R"("set":"all","host":{"memtotal":10737418240,"memused":4294967296,)"
                                        R"("target_percent":80}})"));
  CHECK(ev[0]["summary"] == "balloon target 160 MiB -> 256 MiB (1 cycle, goal +4096 MiB, all)");
  CHECK(ev[1]["payload"] == json::parse(R"({"from":268435456,"target":167772160,"cycles":1,"goal":-1073741824,)"
                                        R"("set":"relaxed","host":{"memtotal":10737418240,"memused":9663676416,)"
                                        R"("target_percent":80}})"));
  CHECK(ev[1]["summary"] == "balloon target 256 MiB -> 160 MiB (1 cycle, goal -1024 MiB, relaxed)");
  CHECK(ev[1]["command"] == "qmd autoballoon");
  for (int vmid : {301, 302, 303}) CHECK(events_of(node, vmid, "vm.balloon.target").empty());

  // Why the others were left alone, as the cycle decided it.
  const json plan = last_logged_plan(node.log());
  CHECK(plan["skipped"] == json::parse(R"([{"vmid":301,"reason":"manual"},{"vmid":302,"reason":"no_min"},)"
                                       R"({"vmid":303,"reason":"no_driver"}])"));
}

TEST_CASE("autoballoon: qm set --balloon on a running VM with shares 0 sets the target directly",
          "[autoballoon][guest]") {
  if (!have_guest()) {
    WARN("SKIP: test guest not found in " << guest_dir() << " (run tests/guest/build-guest.sh)");
    return;
  }
  QmdNode node;
  node.extra_env = {{"QMD_BALLOON_INTERVAL", "0"}};  // no cycle: only qm set moves the target
  node.start_qmd();
  create_guest(node, 310, {"--balloon", "160"});
  REQUIRE(node.qm({"start", "310"}).exit_code == 0);
  node.vm_pid(310);
  REQUIRE(eventually([&] { return guest_ready(node, 310); }, 180000));
  REQUIRE(balloon_reaches(node, 310, 160 * kMiB));

  // shares unset: the new floor is config only (autoballoon's business).
  auto r = node.qm({"set", "310", "--balloon", "192"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(node.qm({"config", "310", "--current"}).out.find("balloon: 192\n") != std::string::npos);
  // shares 0 in the same command: manual ballooning, the target is set at once.
  r = node.qm({"set", "310", "--shares", "0", "--balloon", "224"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  REQUIRE(balloon_reaches(node, 310, 224 * kMiB));
  const std::string log = node.log();
  CHECK(log.find("VM 310: balloon target 234881024 set directly") != std::string::npos);
  CHECK(log.find("VM 310: balloon target 201326592") == std::string::npos);

  // Refused values change nothing.
  r = node.qm({"set", "310", "--balloon", "300"});
  CHECK(r.exit_code == 255);
  CHECK(r.err == "balloon value too large (must be smaller than assigned memory)\n");
  CHECK(node.qm({"config", "310"}).out.find("balloon: 224\n") != std::string::npos);

  // Deleting balloon gives the guest its whole memory back.
  r = node.qm({"set", "310", "--delete", "balloon"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  REQUIRE(balloon_reaches(node, 310, 256 * kMiB));
  CHECK(node.log().find("VM 310: balloon target 268435456 set directly") != std::string::npos);
  CHECK(node.qm({"config", "310"}).out.find("balloon:") == std::string::npos);
  // The config events are the record; no autoballoon event.
  CHECK(events_of(node, 310, "vm.balloon.target").empty());
  const auto updates = events_of(node, 310, "vm.config.updated");
  REQUIRE(!updates.empty());
  CHECK(updates.back()["summary"] == "-balloon");
}
