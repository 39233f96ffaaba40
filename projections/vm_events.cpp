#include "projections/vm_events.h"

#include <charconv>
#include <stdexcept>

namespace qmd::projections {

std::string vm_stream(int64_t vmid) { return "vm/" + std::to_string(vmid); }

int64_t vmid_of_stream(std::string_view stream) {
  if (!stream.starts_with("vm/")) return -1;
  int64_t v = -1;
  const char* b = stream.data() + 3;
  const char* e = stream.data() + stream.size();
  auto [p, ec] = std::from_chars(b, e, v);
  return (ec == std::errc() && p == e) ? v : -1;
}

namespace {
nlohmann::json opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
std::optional<std::string> opt_from(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::string>();
}
}  // namespace

nlohmann::json delta_to_json(const config::ConfigDelta& d) {
  nlohmann::json j = nlohmann::json::object();
  if (!d.sections_added.empty()) j["add"] = d.sections_added;
  if (!d.sections_removed.empty()) j["remove"] = d.sections_removed;
  auto keys = nlohmann::json::array();
  for (const auto& k : d.keys) keys.push_back({k.section, k.key, opt(k.old_value), opt(k.new_value)});
  j["keys"] = std::move(keys);
  return j;
}

nlohmann::json delta_json(const config::ConfigFile& from, const config::ConfigFile& to) {
  return delta_to_json(config::diff(from, to));
}

config::ConfigDelta delta_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::runtime_error("delta is not a JSON object");
  config::ConfigDelta d;
  try {
    if (auto it = j.find("add"); it != j.end()) d.sections_added = it->get<std::vector<std::string>>();
    if (auto it = j.find("remove"); it != j.end()) d.sections_removed = it->get<std::vector<std::string>>();
    if (auto it = j.find("keys"); it != j.end()) {
      for (const auto& k : *it) {
        if (!k.is_array() || k.size() != 4) throw std::runtime_error("delta key change is not [section,key,old,new]");
        d.keys.push_back({k[0].get<std::string>(), k[1].get<std::string>(), opt_from(k[2]), opt_from(k[3])});
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("malformed delta: ") + e.what());
  }
  return d;
}

std::optional<nlohmann::json> upcast(const std::string& /*type*/, int /*schema*/, const nlohmann::json& /*payload*/) {
  return std::nullopt;  // every type is at schema 1
}

}  // namespace qmd::projections
