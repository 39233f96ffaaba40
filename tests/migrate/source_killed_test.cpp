// The source node's qmd killed -9 in the middle of a migration, then started
// again: it ends the migration nobody drives any more (migrate_recover.h) —
// the VM runs on (online) or stays (offline) on the source with its pid and
// disk, the lock is gone with a `failed` event naming the cause, and nothing
// of the VM is left on the target; a migration that completed while qmd was
// down is handed over instead; one still driven by a live process is left be.
#include <catch2/catch.hpp>

#include "service/qemu/qmp_sync.h"
#include "tests/migrate/cluster_fixture.h"

using namespace qmd::testing;

namespace {
bool has_step(const ClusterNode& n, int64_t vmid, const std::string& prefix) {
  for (const auto& e : of_type(n.events(vmid), "vm.operation.step"))
    if (e["payload"]["step"].get<std::string>().starts_with(prefix)) return true;
  return false;
}
bool locked(const ClusterNode& n, int64_t vmid) {
  return n.qm({"config", std::to_string(vmid)}).out.find("lock: migrate") != std::string::npos;
}
// `qm migrate ...` on node n in the background, its output in <dir>/mig.{out,err}.
pid_t spawn_migrate(const ClusterNode& n, const std::string& args) {
  return spawn({"/bin/sh", "-c", "exec " + binary("qm") + " migrate " + args + " >" + n.dir() + "/mig.out 2>" +
                                     n.dir() + "/mig.err"},
               n.env());
}

// VM 100 (64 MiB, diskless) running on node a and being migrated live to b at
// 1 KiB/s — still sending, as QEMU sends on without its monitor — when a's qmd
// is killed -9. Returns the pids of the source and the incoming QEMU.
std::pair<pid_t, pid_t> kill_source_qmd_mid_migration(Cluster& c) {
  const pid_t src = c.start_with_vm_running_on_a();
  const pid_t mig = spawn_migrate(c.a, "100 b --online --bwlimit 1");
  REQUIRE(eventually([&] { return has_step(c.a, 100, "target QEMU listening on "); }, 30000));
  // The source QEMU is sending once qm shows its first progress line (before
  // it, qmd may not have issued `migrate` yet: nothing would be in flight).
  REQUIRE(eventually([&] { return read_file(c.a.dir() + "/mig.out").find("migration active") != std::string::npos; }, 30000));
  const pid_t dst = c.b.vm_pid(100);
  REQUIRE(alive(dst));
  c.a.kill_qmd();
  CHECK(wait_for(mig) == 255);  // the client lost its qmd
  return {src, dst};
}
}  // namespace

TEST_CASE("migrate online: source qmd killed mid-way - restarted, it cancels and the VM runs on at the source") {
  Cluster c;
  const auto [src, dst] = kill_source_qmd_mid_migration(c);
  CHECK(locked(c.a, 100));      // nothing ended it meanwhile
  CHECK(alive(src));
  CHECK(alive(dst));

  c.a.start_qmd();
  INFO(c.a.log());
  REQUIRE(eventually([&] { return !locked(c.a, 100); }, 30000));
  CHECK(alive(src));
  CHECK(c.a.vm_pid(100) == src);
  auto v = nlohmann::json::parse(c.a.qm({"status", "100", "--verbose", "--output-format", "json"}).out);
  CHECK(v["qmpstatus"] == "running");
  CHECK(v["pid"] == src);
  REQUIRE(eventually([&] { return !alive(dst); }, 10000));
  CHECK(c.b.vm_pid(100) == 0);

  const auto evs = c.a.events(100);
  CHECK(of_type(evs, "vm.moved").empty());
  const auto& failed = evs.back();
  CHECK(failed["type"] == "vm.operation.failed");
  CHECK(failed["payload"]["error"] == "source qmd restarted during the migration");
  CHECK(failed["command"] == "qmd (recovery of interrupted migrations)");
  const auto& step = evs[evs.size() - 2];
  CHECK(step["type"] == "vm.operation.step");
  CHECK(step["payload"]["step"] == "migration (active) cancelled on the source; incoming QEMU on node b stopped");
  CHECK(step["payload"]["op_id"] == failed["payload"]["op_id"]);
  auto hist = c.a.qm({"history", "100"}).out;
  CHECK(hist.find("source qmd restarted during the migration") != std::string::npos);
  CHECK(file_exists(c.a.conf_path("a", 100)));

  // QEMU's migration state is clean: it goes now.
  auto again = c.a.qm({"migrate", "100", "b", "--online"});
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(alive(c.b.vm_pid(100)));
}

TEST_CASE("migrate online: completed while the source qmd was down - restarted, it finishes the hand-over") {
  Cluster c;
  const auto [src, dst] = kill_source_qmd_mid_migration(c);
  // With qmd gone its QMP socket is free: lift the limit so that the
  // migration completes while nobody watches.
  const std::string qmp = c.a.run_dir() + "/100.qmp";
  auto set = qmd::qemu::qmp_call_sync(qmp, "migrate-set-parameters", {{"max-bandwidth", int64_t{1} << 40}}, 5000);
  REQUIRE(set.ok());
  std::string seen;
  const bool completed = eventually([&] {
    auto q = qmd::qemu::qmp_call_sync(qmp, "query-migrate", nullptr, 5000);
    seen = q.ok() ? q.value.dump() : q.error->desc;
    return q.ok() && q.value.value("status", "") == "completed";
  }, 30000);
  INFO(seen);
  REQUIRE(completed);

  c.a.start_qmd();
  INFO(c.a.log());
  REQUIRE(eventually([&] { return !of_type(c.b.events(100), "vm.moved").empty(); }, 30000));
  REQUIRE(eventually([&] { return !alive(src); }, 20000));  // the source QEMU quit
  CHECK(alive(dst));
  CHECK(c.a.vm_pid(100) == 0);
  auto v = nlohmann::json::parse(c.b.qm({"status", "100", "--verbose", "--output-format", "json"}).out);
  CHECK(v["qmpstatus"] == "running");
  CHECK(v["pid"] == dst);
  const auto evs = c.b.events(100);
  CHECK(of_type(evs, "vm.operation.failed").empty());
  CHECK(evs.back()["type"] == "vm.operation.completed");
  CHECK(evs[evs.size() - 2]["payload"]["pid"] == dst);
  CHECK(evs[evs.size() - 2]["payload"]["cause"] == "migrated from a");
  const auto moved = of_type(evs, "vm.moved")[0];
  CHECK(moved["payload"]["to"] == "b");
  CHECK(moved["payload"]["pid"] == dst);
  CHECK(moved["payload"]["transferred_bytes"].get<int64_t>() > 0);
  CHECK(moved["command"] == "qmd (recovery of interrupted migrations)");
  CHECK(c.b.qm({"config", "100"}).out.find("lock") == std::string::npos);
}

TEST_CASE("migrate offline: source qmd killed mid-copy - restarted, it frees the partial copy on the target") {
  Cluster c;
  c.start();
  c.a.qm_ok({"create", "100", "--memory", "64", "--scsi0", "local:1"});
  const std::string src = c.a.dir() + "/images/100/vm-100-disk-0.qcow2";
  const std::string dst = c.b.dir() + "/images/100/vm-100-disk-0.qcow2";
  REQUIRE(run({"/usr/bin/qemu-io", "-f", "qcow2", "-c", "write -P 0xcd 0 1M", src}).err.empty());
  const std::string bytes = read_file(src);
  REQUIRE(bytes.size() > 1024 * 1024);
  // 64 KiB/s: the image (1 GiB, sparse) is far from copied when qmd dies.
  const pid_t mig = spawn_migrate(c.a, "100 b --bwlimit 64");
  REQUIRE(eventually([&] { return has_step(c.a, 100, "copying local:100/vm-100-disk-0.qcow2"); }, 30000));
  REQUIRE(eventually([&] { return file_exists(dst) && !read_file(dst).empty(); }, 10000));
  c.a.kill_qmd();
  CHECK(wait_for(mig) == 255);
  const auto partial = read_file(dst).size();
  CHECK(partial > 0);
  CHECK(partial < bytes.size());
  CHECK(locked(c.a, 100));

  c.a.start_qmd();
  INFO(c.a.log());
  REQUIRE(eventually([&] { return !locked(c.a, 100); }, 30000));
  CHECK_FALSE(file_exists(dst));
  CHECK_FALSE(file_exists(c.b.dir() + "/images/100"));
  CHECK(read_file(src) == bytes);
  CHECK(file_exists(c.a.conf_path("a", 100)));
  CHECK(c.a.qm({"config", "100"}).out.find("scsi0: local:100/vm-100-disk-0.qcow2") != std::string::npos);
  const auto evs = c.a.events(100);
  CHECK(of_type(evs, "vm.moved").empty());
  CHECK(evs.back()["type"] == "vm.operation.failed");
  CHECK(evs.back()["payload"]["error"] == "source qmd restarted during the migration");
  CHECK(evs[evs.size() - 2]["payload"]["step"] == "freed local:100/vm-100-disk-0.qcow2 on node b");
  // And it goes now, at full speed.
  auto again = c.a.qm({"migrate", "100", "b"});
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(read_file(dst) == bytes);
}

TEST_CASE("migrate offline: a migration run by qm in-process is left alone by a qmd starting meanwhile") {
  Cluster c;
  c.start();
  c.a.qm_ok({"create", "100", "--memory", "64", "--scsi0", "local:1"});
  const std::string src = c.a.dir() + "/images/100/vm-100-disk-0.qcow2";
  REQUIRE(run({"/usr/bin/qemu-io", "-f", "qcow2", "-c", "write -P 0xcd 0 1M", src}).err.empty());
  const std::string bytes = read_file(src);
  c.a.stop_qmd();  // qm runs the migration itself (only b's qmd is needed)
  // The image's 1 GiB (sparse) at 128 MiB/s: ~8 s, time for qmd to start.
  const pid_t mig = spawn_migrate(c.a, "100 b --bwlimit 131072");
  REQUIRE(eventually([&] { return has_step(c.a, 100, "copying "); }, 30000));
  c.a.start_qmd();
  INFO(c.a.log() << read_file(c.a.dir() + "/mig.err"));
  CHECK(wait_for(mig) == 0);
  CHECK(read_file(c.b.dir() + "/images/100/vm-100-disk-0.qcow2") == bytes);
  const auto evs = c.b.events(100);
  CHECK(of_type(evs, "vm.operation.failed").empty());
  CHECK(evs.back()["type"] == "vm.operation.completed");
  CHECK(c.a.log().find("its migration is driven by a live process; left alone") != std::string::npos);
}
