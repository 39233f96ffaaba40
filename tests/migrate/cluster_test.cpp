// Two real qmd nodes on one host sharing one log: registration, the .conf
// tree of every node, runtime verbs forwarded to the owner node.
#include <catch2/catch.hpp>

#include "tests/migrate/cluster_fixture.h"

using namespace qmd::testing;

TEST_CASE("cluster: each node registers, every node's tree shows every VM under its owner") {
  Cluster c;
  c.start();
  auto audit = nlohmann::json::parse(c.a.qm({"audit", "--type", "node.registered", "--output-format", "json"}).out);
  REQUIRE(audit.size() == 2);
  CHECK(audit[0]["stream"] == "node/a");
  CHECK(audit[0]["payload"]["socket"] == c.a.sock());
  CHECK(audit[0]["payload"]["data_dir"] == c.a.dir());
  CHECK(audit[0]["payload"]["address"] == "127.0.0.1");
  CHECK(audit[1]["stream"] == "node/b");
  // A restart with the same settings registers nothing new.
  c.b.stop_qmd();
  c.b.start_qmd();
  CHECK(nlohmann::json::parse(c.a.qm({"audit", "--type", "node.registered", "--output-format", "json"}).out).size() == 2);

  c.a.qm_ok({"create", "100", "--memory", "64", "--name", "on-a"});
  c.b.qm_ok({"create", "200", "--memory", "64", "--name", "on-b"});
  // Each node's qmd follows the log into its own tree.
  REQUIRE(eventually([&] { return file_exists(c.b.conf_path("a", 100)) && file_exists(c.a.conf_path("b", 200)); }, 10000));
  CHECK(read_file(c.b.conf_path("a", 100)) == read_file(c.a.conf_path("a", 100)));
  CHECK(read_file(c.a.conf_path("b", 200)) == read_file(c.b.conf_path("b", 200)));
  // A change made on one node reaches the other's file.
  c.b.qm_ok({"set", "100", "--name", "renamed"});
  REQUIRE(eventually([&] { return read_file(c.a.conf_path("a", 100)).find("name: renamed\n") != std::string::npos; }, 10000));
  // qm list shows the node's own VMs (as Proxmox's does); qm config any VM.
  CHECK(c.a.qm({"list"}).out.find("on-b") == std::string::npos);
  CHECK(c.a.qm({"config", "200"}).out.find("name: on-b\n") != std::string::npos);
  // Destroy on another node removes the file everywhere.
  c.a.qm_ok({"destroy", "200"});
  REQUIRE(eventually([&] { return !file_exists(c.b.conf_path("b", 200)); }, 10000));
}

TEST_CASE("cluster: runtime verbs go to the owner node's qmd, or say it is down") {
  Cluster c;
  c.start();
  c.a.qm_ok({"create", "100", "--memory", "64"});
  // Asked on b, started by a: the QEMU process and its pidfile are a's.
  auto st = c.b.qm({"start", "100"});
  INFO(st.err);
  REQUIRE(st.exit_code == 0);
  const pid_t pid = c.a.vm_pid(100);
  CHECK(alive(pid));
  CHECK(c.b.vm_pid(100) == 0);
  CHECK(c.b.qm({"status", "100"}).out == "status: running\n");
  auto ev = c.b.events(100).back();
  CHECK(ev["type"] == "vm.status.changed");
  CHECK(ev["node"] == "a");

  c.a.stop_qmd();  // the VM keeps running; its node is not answering
  auto down = c.b.qm({"status", "100"});
  CHECK(down.exit_code == 255);
  CHECK(down.err == "node 'a' is not online (no qmd answers on " + c.a.sock() + ")\n");
  CHECK(c.b.qm({"stop", "100"}).err == down.err);
  CHECK(alive(pid));
  c.a.start_qmd();
  CHECK(c.b.qm({"stop", "100"}).exit_code == 0);
  CHECK_FALSE(alive(pid));
  CHECK(c.b.qm({"status", "100"}).out == "status: stopped\n");
}

TEST_CASE("cluster: a forwarded command is recorded under the user who typed it, via the node it was typed on") {
  Cluster c;
  c.start();
  c.a.qm_ok({"create", "100", "--memory", "64"});
  // Typed on b, run by a's qmd: the events name the qm process on b, not b's qmd.
  const pid_t set = spawn({binary("qm"), "set", "100", "--description", "from b"}, c.b.env());
  REQUIRE(wait_for(set) == 0);
  const pid_t start = spawn({binary("qm"), "start", "100"}, c.b.env());
  REQUIRE(wait_for(start) == 0);
  const auto evs = c.a.events(100);
  REQUIRE(evs.size() >= 3);
  const auto& updated = evs[evs.size() - 2];
  const auto& running = evs.back();
  CHECK(updated["type"] == "vm.config.updated");
  CHECK(running["type"] == "vm.status.changed");
  const std::string me = run({"/usr/bin/id", "-un"}).out;
  for (const auto* e : {&updated, &running}) {
    CHECK((*e)["user"].get<std::string>() + "\n" == me);
    CHECK((*e)["uid"] == static_cast<int64_t>(::getuid()));
    CHECK((*e)["node"] == "a");
    CHECK((*e)["via"] == "b");
  }
  CHECK(running["payload"]["cause"] == "start by " + me.substr(0, me.size() - 1));
  // The audit's pid: the qm process on b (before: b's qmd, which forwarded it).
  const auto meta = [&](const nlohmann::json& e) {
    auto r = run({"/usr/bin/sqlite3", c.shared.path() + "/cluster.db",
                  "SELECT meta FROM events WHERE seq = " + std::to_string(e["seq"].get<int64_t>())});
    return nlohmann::json::parse(r.out);
  };
  CHECK(meta(updated)["pid"] == set);
  CHECK(meta(running)["pid"] == start);
  CHECK(meta(updated)["via"] == "b");
  CHECK(meta(running)["pid"] != c.b.qmd_pid());
  // Typed on the owner: no route recorded, the meta as it always was.
  c.a.qm_ok({"set", "100", "--description", "from a"});
  const auto own = c.a.events(100).back();
  CHECK(own["via"] == "");
  CHECK_FALSE(meta(own).contains("via"));
  // The history line shows the route.
  const std::string hist = c.b.qm({"history", "100"}).out;
  CHECK(hist.find("vm.config.updated") != std::string::npos);
  CHECK(hist.find("(via node b)\n") != std::string::npos);
  c.a.qm_ok({"stop", "100"});
}
