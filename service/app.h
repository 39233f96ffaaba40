// App: the opened state of one qmd node — database, event store, read model,
// .conf tree, storage — and the one write path every command uses:
// decide (pure, in the command) → commit() → .conf files rendered.
//
// Used in-process by `qm` and, later, by the qmd service for socket requests.
#pragma once

#include <memory>
#include <vector>

#include "events/event_log.h"
#include "events/store.h"
#include "export/conf_tree.h"
#include "projections/projector.h"
#include "projections/read_model.h"
#include "service/environment.h"
#include "service/storage/images.h"
#include "service/request.h"

namespace qmd::service {

namespace runtime {
class Runtime;
}

class App {
 public:
  // Opens (creating if needed) the data directory and database of `env`, then
  // re-renders any .conf file a crash left stale. Throws StoreError /
  // std::runtime_error naming the path on failure.
  // `runtime`: the supervisor of this node's QEMU processes when the App
  // serves qmd's requests (it must outlive the App); nullptr in a plain qm
  // process, where the runtime verbs say that qmd is not running.
  explicit App(Environment env, runtime::Runtime* runtime = nullptr);
  ~App();

  const Environment& env() const { return env_; }
  // The runtime this App's requests act on, nullptr outside qmd (see the constructor).
  runtime::Runtime* runtime() const { return runtime_; }
  events::EventStore& store() { return *store_; }
  projections::ReadModel& model() { return *model_; }
  const exporting::ConfTree& tree() const { return tree_; }
  // The node's storages (<data-dir>/storage.cfg), opened on first use so that a
  // malformed storage.cfg only fails the commands that touch disks.
  storage::Storage& storage();

  // Appends `events` to vm/<vmid> with expected_version, the inline projector
  // in the same transaction, meta from the request; then writes the VM's .conf.
  // Holds the VM's flock (vm_flock.h) exclusively meanwhile, unless this
  // thread holds it already; waits up to 10 s for it.
  // Throws events::ConflictError when the stream moved on, CommandError
  // "can't lock file '<path>' - got timeout".
  events::AppendResult commit(int64_t vmid, int64_t expected_version,
                              const std::vector<events::NewEvent>& events, const Request& req);

  // Appends several VMs' events in one transaction (import), then renders.
  void commit_batch(std::vector<events::EventStore::StreamAppend> batch);

  // The audit meta of a request (actor from the environment of this process or
  // of the socket peer, command as typed, correlation id).
  events::Meta meta_for(const Request& req) const;

  // Renders every .conf whose VM changed (cheap when nothing is dirty), also
  // the changes other nodes sharing the database made (export/tree_follow.h).
  void sync_conf_files();

 private:
  Environment env_;
  runtime::Runtime* runtime_ = nullptr;
  std::unique_ptr<events::EventLog> log_;
  events::EventStore* store_ = nullptr;
  std::unique_ptr<projections::ReadModel> model_;
  std::unique_ptr<projections::Projector> projector_;
  exporting::ConfTree tree_;
  std::unique_ptr<storage::Storage> storage_;
  int64_t followed_seq_ = -1;  // head of the log when the tree last followed it
};

}  // namespace qmd::service
