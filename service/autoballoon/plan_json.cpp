#include "service/autoballoon/plan_json.h"

namespace qmd::autoballoon {

nlohmann::json to_json(const Plan& plan) {
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& [vmid, target] : plan.targets) {
    targets.push_back({{"vmid", vmid}, {"target", target}});
  }
  nlohmann::json skipped = nlohmann::json::array();
  for (const Skipped& s : plan.skipped) {
    skipped.push_back({{"vmid", s.vmid}, {"reason", to_string(s.reason)}});
  }
  nlohmann::json j = nlohmann::json::object();
  j["goal"] = plan.goal;
  j["set"] = to_string(plan.set_used);
  j["rest"] = plan.rest;
  j["targets"] = std::move(targets);
  j["pressured"] = plan.pressured;
  j["relaxed"] = plan.relaxed;
  j["skipped"] = std::move(skipped);
  return j;
}

}  // namespace qmd::autoballoon
