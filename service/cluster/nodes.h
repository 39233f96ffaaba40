// The nodes of a cluster on one host: several qmd share one log (--db), each
// registers itself in stream "node/<name>" with a `node.registered` event
// {name, socket, address, data_dir}. The latest registration of a node is
// where its qmd listens and where its files (run dir, `local` storage) are.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "events/store.h"
#include "service/environment.h"

namespace qmd::service::cluster {

inline constexpr const char* kNodeRegistered = "node.registered";

struct NodeInfo {
  std::string name;
  std::string socket;    // the qmd socket (unix path)
  std::string address;   // the address migration traffic goes to (127.0.0.1 on one host)
  std::string data_dir;  // its data directory (storage.cfg, run/)
  bool operator==(const NodeInfo&) const = default;
};

// This process's node as it would register.
NodeInfo node_of(const Environment& env);

// Appends a registration of `self` unless the latest one already says the
// same (a restart with unchanged settings adds nothing). Throws StoreError.
void register_node(events::EventStore& store, const NodeInfo& self, const events::Meta& meta);

// The latest registration of `name`, nullopt when it never registered.
std::optional<NodeInfo> find_node(events::EventStore& store, const std::string& name);

// Every registered node, by name.
std::vector<NodeInfo> list_nodes(events::EventStore& store);

}  // namespace qmd::service::cluster
