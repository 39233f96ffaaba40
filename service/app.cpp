#include "service/app.h"

#include <filesystem>
#include <optional>

#include <spdlog/spdlog.h>

#include "export/materialize.h"
#include "service/support/private_files.h"
#include "service/vm_flock.h"
#include "export/tree_follow.h"

namespace qmd::service {

App::App(Environment env, runtime::Runtime* runtime)
    : env_(std::move(env)), runtime_(runtime), tree_(env_.data_dir) {
  support::make_data_dir_private(env_.data_dir);
  log_ = events::EventLog::open(env_.db_path);
  store_ = &log_->store();
  model_ = std::make_unique<projections::ReadModel>(log_->session());
  projector_ = std::make_unique<projections::Projector>(*model_);
  sync_conf_files();
}

App::~App() = default;

events::Meta App::meta_for(const Request& req) const {
  events::Meta m;
  m.user = req.actor ? req.actor->user : env_.user;
  m.uid = req.actor ? req.actor->uid : env_.uid;
  m.pid = req.actor ? req.actor->pid : env_.pid;
  m.node = env_.node;
  m.command = req.command_line;
  m.correlation_id = req.correlation_id;
  m.via = req.via;
  return m;
}

events::AppendResult App::commit(int64_t vmid, int64_t expected_version,
                                 const std::vector<events::NewEvent>& events, const Request& req) {
  // Proxmox's lock_config: the VM's flock, exclusively, around the change
  // (unless this thread holds it already, e.g. a clone its source's).
  std::optional<VmFlock> flock;
  const std::string lock_dir = vm_lock_dir(env_.data_dir);
  if (!VmFlock::held_by_this_thread(lock_dir, vmid))
    flock.emplace(VmFlock::acquire(lock_dir, vmid, VmFlock::Mode::Exclusive, kConfigLockTimeout));
  auto result = store_->append("vm/" + std::to_string(vmid), expected_version, events, meta_for(req),
                               projector_->hook());
  // The events are committed: a file that cannot be written now stays marked
  // dirty and is rendered by the next sync; the caller must not see a failure
  // (callers would undo work that the log already says is done).
  try {
    sync_conf_files();
  } catch (const std::exception& e) {
    spdlog::warn("VM {}: .conf not rendered yet: {}", vmid, e.what());
  }
  return result;
}

void App::commit_batch(std::vector<events::EventStore::StreamAppend> batch) {
  store_->append_batch(batch, projector_->hook());
  sync_conf_files();
}

storage::Storage& App::storage() {
  if (!storage_) storage_ = std::make_unique<storage::Storage>(storage::Storage::open(env_.data_dir));
  return *storage_;
}

void App::sync_conf_files() {
  int n = exporting::sync_dirty(*model_, tree_);
  // Other nodes sharing the log (and other processes) clear marks this tree
  // never saw: catch up from this tree's own cursor.
  // Only a database outside the data directory can be shared that way.
  if (env_.db_path != env_.data_dir + "/qmd.db") {
    const int64_t head = store_->head_seq();  // read first: later appends are caught next time
    if (head > followed_seq_) {
      n += exporting::follow_log(*model_, tree_, env_.data_dir + "/.conf-tree-seq");
      followed_seq_ = head;
    }
  }
  if (n > 0) spdlog::debug("rendered {} .conf file(s)", n);
}

}  // namespace qmd::service
