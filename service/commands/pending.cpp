// qm pending <vmid>: `cur k: v` / `new k: v` / `del k: v`, one line per key
// (text from config/pending_view.h); JSON rows as Proxmox's API returns them:
// {key, value?, pending?, delete? (1, or 2 when forced)}.
#include <set>

#include "config/formats/options.h"
#include "config/pending_view.h"
#include "config/secrets.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"

namespace qmd::service {

namespace {

nlohmann::json pending_rows(const config::ConfigFile& c) {
  std::map<std::string, int> deletes;  // key -> 1 | 2 (forced)
  if (auto d = c.pending.find("delete"); d != c.pending.end()) {
    for (const auto& del : config::parse_pending_delete(d->second)) deletes[del.key] = del.force ? 2 : 1;
  }
  std::set<std::string> keys;
  for (const auto& [k, _] : c.main) keys.insert(k);
  for (const auto& [k, _] : c.pending) if (k != "delete") keys.insert(k);
  for (const auto& [k, _] : deletes) keys.insert(k);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& k : keys) {
    nlohmann::json r = {{"key", k}};
    if (auto it = c.main.find(k); it != c.main.end()) r["value"] = it->second;
    if (auto it = c.pending.find(k); it != c.pending.end()) r["pending"] = it->second;
    if (auto it = deletes.find(k); it != deletes.end()) r["delete"] = it->second;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace

Reply run_pending(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  config::ConfigFile shown = load_existing(app, vmid).conf;
  config::hide_secrets(shown.main);  // as Proxmox's API: set, never shown
  config::hide_secrets(shown.pending);
  if (req.output_format != "text") return Reply::ok(render_json(req, pending_rows(shown)));
  return Reply::ok(config::format_pending(shown));
}

}  // namespace qmd::service
