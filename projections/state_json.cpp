#include "projections/vm_state.h"

namespace qmd::projections {

using nlohmann::json;

json conf_to_json(const config::ConfigFile& c) {
  json j = json::object();
  j["main"] = c.main;
  if (!c.pending.empty()) j["pending"] = c.pending;
  if (!c.snapshots.empty()) j["snapshots"] = c.snapshots;
  if (!c.special.empty()) j["special"] = c.special;
  return j;
}

config::ConfigFile conf_from_json(const json& j) {
  config::ConfigFile c;
  c.main = j.at("main").get<config::Section>();
  if (auto it = j.find("pending"); it != j.end()) c.pending = it->get<config::Section>();
  if (auto it = j.find("snapshots"); it != j.end())
    c.snapshots = it->get<std::map<std::string, config::Section>>();
  if (auto it = j.find("special"); it != j.end())
    c.special = it->get<std::map<std::string, config::Section>>();
  return c;
}

json state_to_json(const VmState& s) {
  json j = {{"vmid", s.vmid},           {"exists", s.exists},         {"node", s.node},
            {"version", s.version},     {"last_seq", s.last_seq},     {"updated_at", s.updated_at},
            {"created_at", s.created_at}, {"conf", conf_to_json(s.conf)}, {"status", s.status},
            {"pid", s.pid}};
  if (s.op) {
    const Operation& o = *s.op;
    j["op"] = {{"id", o.id},       {"kind", o.kind},           {"state", o.state},
               {"user", o.user},   {"started_at", o.started_at}, {"started_seq", o.started_seq},
               {"last_step", o.last_step}, {"updated_at", o.updated_at}, {"error", o.error}};
  }
  return j;
}

VmState state_from_json(const json& j) {
  try {
    VmState s;
    s.vmid = j.at("vmid").get<int64_t>();
    s.exists = j.at("exists").get<bool>();
    s.node = j.at("node").get<std::string>();
    s.version = j.at("version").get<int64_t>();
    s.last_seq = j.at("last_seq").get<int64_t>();
    s.updated_at = j.at("updated_at").get<int64_t>();
    s.created_at = j.value("created_at", int64_t{0});
    s.conf = conf_from_json(j.at("conf"));
    s.status = j.at("status").get<std::string>();
    s.pid = j.at("pid").get<int64_t>();
    if (auto it = j.find("op"); it != j.end()) {
      const json& o = *it;
      s.op = Operation{o.at("id").get<std::string>(),      o.at("kind").get<std::string>(),
                       o.at("state").get<std::string>(),   o.at("user").get<std::string>(),
                       o.at("started_at").get<int64_t>(),  o.at("started_seq").get<int64_t>(),
                       o.at("last_step").get<std::string>(), o.at("updated_at").get<int64_t>(),
                       o.at("error").get<std::string>()};
    }
    return s;
  } catch (const json::exception& e) {
    throw ProjectionError(std::string("malformed VM state record: ") + e.what());
  }
}

}  // namespace qmd::projections
