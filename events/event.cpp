#include "events/event.h"

#include <stdexcept>

namespace qmd::events {

namespace {

std::string string_member(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return {};
  if (!it->is_string())
    throw std::invalid_argument(std::string("event meta: member '") + name + "' must be a string, got " +
                                it->dump());
  return it->get<std::string>();
}

int64_t int_member(const nlohmann::json& j, const char* name, int64_t fallback) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number_integer())
    throw std::invalid_argument(std::string("event meta: member '") + name + "' must be an integer, got " +
                                it->dump());
  return it->get<int64_t>();
}

}  // namespace

nlohmann::json Meta::to_json() const {
  nlohmann::json j{{"user", user}, {"uid", uid},         {"pid", pid},
                   {"node", node}, {"command", command}, {"correlation_id", correlation_id}};
  if (!via.empty()) j["via"] = via;
  return j;
}

Meta Meta::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("event meta: expected a JSON object, got " + j.dump());
  Meta m;
  m.user = string_member(j, "user");
  m.uid = int_member(j, "uid", -1);
  m.pid = int_member(j, "pid", 0);
  m.node = string_member(j, "node");
  m.command = string_member(j, "command");
  m.correlation_id = string_member(j, "correlation_id");
  m.via = string_member(j, "via");
  return m;
}

}  // namespace qmd::events
