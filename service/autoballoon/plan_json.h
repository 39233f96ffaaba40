// The audit form of an autoballoon Plan: what one cycle decided and why.
#pragma once

#include <nlohmann/json.hpp>

#include "service/autoballoon/planner.h"

namespace qmd::autoballoon {

// {"goal":<bytes>,"set":"pressured|relaxed|all|none","rest":<bytes>,
//  "targets":[{"vmid":101,"target":<bytes>},...],          ascending vmid
//  "pressured":[vmid...],"relaxed":[vmid...],
//  "skipped":[{"vmid":102,"reason":"no_driver|no_min|migrating|manual"},...]}
// Deterministic: equal plans give byte-identical dumps.
nlohmann::json to_json(const Plan& plan);

}  // namespace qmd::autoballoon
