// A cluster on one host for the migration tests: nodes with their own data
// directory (run dir, sockets, `local` storage) sharing one database file
// (QMD_DB), each with a real qmd started/killed at will and the real qm.
#pragma once

#include <signal.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/daemon/qmd_fixture.h"

namespace qmd::testing {

class ClusterNode {
 public:
  ClusterNode(std::string name, std::string db) : name_(std::move(name)), db_(std::move(db)) {}
  ~ClusterNode() {
    stop_qmd();
    for (int64_t vmid : service::runtime::pidfile_vmids(run_dir()))
      if (auto pid = service::runtime::read_pidfile(run_dir() + "/" + std::to_string(vmid) + ".pid")) ::kill(*pid, SIGKILL);
  }

  const std::string& name() const { return name_; }
  const std::string& dir() const { return tmp_.path(); }
  std::string run_dir() const { return dir() + "/run"; }
  std::string sock() const { return run_dir() + "/qmd.sock"; }
  std::string log() const { return read_file(dir() + "/qmd.log"); }
  std::string conf_path(const std::string& owner, int64_t vmid) const {
    return dir() + "/nodes/" + owner + "/qemu-server/" + std::to_string(vmid) + ".conf";
  }
  std::map<std::string, std::string> env() const {
    return {{"QMD_DATA_DIR", dir()}, {"QMD_NODE", name_}, {"QMD_DB", db_}, {"QMD_ACCEL", "tcg"}};
  }

  void start_qmd() {
    pid_ = spawn({"/bin/sh", "-c", "exec " + binary("qmd") + " --foreground --log-level debug 2>>" + dir() + "/qmd.log"},
                 env());
    if (!eventually([&] { return socket_answers(sock()); }, 20000)) throw std::runtime_error("qmd did not start:\n" + log());
  }
  void stop_qmd() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    wait_for(pid_);
    pid_ = 0;
  }
  void kill_qmd() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    wait_for(pid_);
    pid_ = 0;
  }

  pid_t qmd_pid() const { return pid_; }

  RunResult qm(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {binary("qm")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, env());
  }
  RunResult qm_ok(const std::vector<std::string>& args) const {
    auto r = qm(args);
    if (r.exit_code != 0) throw std::runtime_error("qm " + args.at(0) + " failed: " + r.err);
    return r;
  }
  // The pid in the VM's pidfile on this node, 0 when none.
  pid_t vm_pid(int64_t vmid) const {
    return service::runtime::read_pidfile(run_dir() + "/" + std::to_string(vmid) + ".pid").value_or(0);
  }

  // The VM's events (qm history --output-format json), oldest first.
  std::vector<nlohmann::json> events(int64_t vmid) const {
    auto r = qm({"history", std::to_string(vmid), "--output-format", "json"});
    std::vector<nlohmann::json> out;
    for (const auto& e : nlohmann::json::parse(r.out)) out.push_back(e);
    return out;
  }

 private:
  std::string name_, db_;
  TempDir tmp_;
  pid_t pid_ = 0;
};

// Nodes a and b sharing <tmp>/cluster.db.
struct Cluster {
  TempDir shared;
  ClusterNode a{"a", shared.path() + "/cluster.db"};
  ClusterNode b{"b", shared.path() + "/cluster.db"};
  void start() {
    a.start_qmd();
    b.start_qmd();
  }
  // Both qmds up and a diskless VM `vmid` (64 MiB) running on a: the start
  // of every live-migration test. Returns the source QEMU's pid.
  pid_t start_with_vm_running_on_a(int64_t vmid = 100) {
    start();
    a.qm_ok({"create", std::to_string(vmid), "--memory", "64"});
    a.qm_ok({"start", std::to_string(vmid)});
    return a.vm_pid(vmid);
  }
};

// The events of `evs` (a VM's history as JSON) whose type is `type`, in order.
inline std::vector<nlohmann::json> of_type(const std::vector<nlohmann::json>& evs, const std::string& type) {
  std::vector<nlohmann::json> out;
  for (const auto& e : evs)
    if (e["type"] == type) out.push_back(e);
  return out;
}

}  // namespace qmd::testing
