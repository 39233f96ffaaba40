#include "service/cluster/forward.h"

#include <set>

#include <spdlog/spdlog.h>

#include "service/client/qmd_client.h"
#include "service/cluster/nodes.h"
#include "service/commands/registry.h"

namespace qmd::service::cluster {

bool is_owner_verb(const std::string& verb) {
  // Reading the log is the same on every node; everything else may touch the
  // owner's QEMU process or its `local` storage.
  static const std::set<std::string> anywhere = {"create", "config", "pending", "showcmd", "history",
                                                 "diff",   "listsnapshot", "unlock"};
  const VerbSpec* v = find_verb(verb);
  return v != nullptr && !v->positional.empty() && v->positional[0] == "vmid" && anywhere.count(v->name) == 0;
}

std::optional<Reply> forward_to_owner(App& app, const Request& req) {
  if (!is_owner_verb(req.verb) || req.args.empty() || req.has("migratedfrom")) return std::nullopt;
  int64_t vmid = 0;
  try {
    std::size_t used = 0;
    vmid = std::stoll(req.args[0], &used);
    if (used != req.args[0].size()) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;  // the verb reports the bad vmid itself
  }
  const auto s = app.model().load(vmid);
  if (!s.exists || s.node == app.env().node) return std::nullopt;
  const auto owner = find_node(app.store(), s.node);
  if (!owner) return std::nullopt;  // a node that never ran qmd here (e.g. imported VMs): act locally
  spdlog::debug("VM {} belongs to node {}: '{}' goes to {}", vmid, s.node, req.verb, owner->socket);
  // The owner's progress lines pass through to whoever takes this request's live output.
  if (auto reply = client::call(owner->socket, with_origin(app, req), {req.live})) return reply;
  return Reply::fail("node '" + s.node + "' is not online (no qmd answers on " + owner->socket + ")");
}

Request with_origin(const App& app, const Request& req) {
  Request out = req;
  const auto& env = app.env();
  // A request that came here forwarded keeps its first origin.
  out.on_behalf_of = Request::Origin{req.actor.value_or(Request::Actor{env.user, env.uid, env.pid}),
                                     req.via.empty() ? env.node : req.via};
  return out;
}

}  // namespace qmd::service::cluster
