#include "service/cluster/nodes.h"

#include "service/protocol/socket_path.h"

namespace qmd::service::cluster {

namespace {
std::string stream_of(const std::string& name) { return "node/" + name; }

NodeInfo from_payload(const nlohmann::json& p) {
  NodeInfo n;
  n.name = p.value("name", "");
  n.socket = p.value("socket", "");
  n.address = p.value("address", "");
  n.data_dir = p.value("data_dir", "");
  return n;
}
}  // namespace

NodeInfo node_of(const Environment& env) {
  return NodeInfo{env.node, protocol::socket_path(env.data_dir), "127.0.0.1", env.data_dir};
}

void register_node(events::EventStore& store, const NodeInfo& self, const events::Meta& meta) {
  const std::string stream = stream_of(self.name);
  for (int attempt = 0;; ++attempt) {
    const auto events = store.read_stream(stream);
    const int64_t version = events.empty() ? events::kNoStream : events.back().version;
    if (!events.empty() && from_payload(events.back().payload) == self) return;
    nlohmann::json p = {{"name", self.name}, {"socket", self.socket}, {"address", self.address},
                        {"data_dir", self.data_dir}};
    try {
      store.append(stream, version, {{kNodeRegistered, 1, p, {}}}, meta);
      return;
    } catch (const events::ConflictError&) {
      if (attempt >= 3) throw;
    }
  }
}

std::optional<NodeInfo> find_node(events::EventStore& store, const std::string& name) {
  const auto events = store.read_stream(stream_of(name));
  for (auto it = events.rbegin(); it != events.rend(); ++it)
    if (it->type == kNodeRegistered) return from_payload(it->payload);
  return std::nullopt;
}

std::vector<NodeInfo> list_nodes(events::EventStore& store) {
  std::vector<NodeInfo> out;
  for (const auto& stream : store.streams("node/"))
    if (auto n = find_node(store, stream.substr(5))) out.push_back(*n);
  return out;
}

}  // namespace qmd::service::cluster
