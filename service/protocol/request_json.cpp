#include "service/protocol/request_json.h"

#include <stdexcept>

namespace qmd::service::protocol {

nlohmann::json request_to_json(const Request& r) {
  auto opts = nlohmann::json::array();
  for (const auto& [k, v] : r.options) opts.push_back({k, v});
  nlohmann::json j = {{"verb", r.verb},
                      {"args", r.args},
                      {"options", opts},
                      {"output_format", r.output_format},
                      {"command_line", r.command_line},
                      {"correlation_id", r.correlation_id}};
  // Only when set: a request without them is the one-reply-line exchange of old.
  if (r.progress) j["progress"] = true;
  if (r.tty) j["tty"] = true;
  if (r.on_behalf_of) {
    const auto& o = *r.on_behalf_of;
    j["on_behalf_of"] = {{"user", o.actor.user}, {"uid", o.actor.uid}, {"pid", o.actor.pid}, {"node", o.node}};
  }
  return j;
}

Request request_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::runtime_error("request is not a JSON object");
  Request r;
  auto str = [&](const char* key, bool required) -> std::string {
    auto it = j.find(key);
    if (it == j.end()) {
      if (required) throw std::runtime_error(std::string("request member '") + key + "' is missing");
      return {};
    }
    if (!it->is_string()) throw std::runtime_error(std::string("request member '") + key + "' must be a string");
    return it->get<std::string>();
  };
  r.verb = str("verb", true);
  if (auto it = j.find("args"); it != j.end()) {
    if (!it->is_array()) throw std::runtime_error("request member 'args' must be an array of strings");
    for (const auto& a : *it) {
      if (!a.is_string()) throw std::runtime_error("request member 'args' must be an array of strings");
      r.args.push_back(a.get<std::string>());
    }
  }
  if (auto it = j.find("options"); it != j.end()) {
    if (!it->is_array()) throw std::runtime_error("request member 'options' must be an array of [name, value]");
    for (const auto& o : *it) {
      if (!o.is_array() || o.size() != 2 || !o[0].is_string() || !o[1].is_string())
        throw std::runtime_error("request member 'options' must be an array of [name, value]");
      r.options.emplace_back(o[0].get<std::string>(), o[1].get<std::string>());
    }
  }
  r.output_format = str("output_format", false);
  if (r.output_format.empty()) r.output_format = "text";
  r.command_line = str("command_line", false);
  r.correlation_id = str("correlation_id", false);
  auto flag = [&](const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return false;
    if (!it->is_boolean()) throw std::runtime_error(std::string("request member '") + key + "' must be true or false");
    return it->get<bool>();
  };
  r.progress = flag("progress");
  r.tty = flag("tty");
  if (auto it = j.find("on_behalf_of"); it != j.end()) {
    const auto& o = *it;
    const bool ok = o.is_object() && o.contains("user") && o["user"].is_string() && o.contains("uid") &&
                    o["uid"].is_number_integer() && o.contains("pid") && o["pid"].is_number_integer() &&
                    o.contains("node") && o["node"].is_string();
    if (!ok) throw std::runtime_error("request member 'on_behalf_of' must be {user: string, uid: int, pid: int, node: string}");
    r.on_behalf_of = Request::Origin{{o["user"].get<std::string>(), o["uid"].get<int64_t>(), o["pid"].get<int64_t>()},
                            o["node"].get<std::string>()};
  }
  return r;
}

}  // namespace qmd::service::protocol
