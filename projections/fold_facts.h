// FoldFacts: the members of an event payload that folding reads, extracted
// either from a decoded JSON payload or straight from its text (a SAX scan
// that builds no JSON tree — the fast path of replays over millions of events).
// Both front-ends feed the one fold rule in fold.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/delta.h"

namespace qmd::projections {

struct FoldFacts {
  std::optional<std::string> op, op_id, step, error, node, to, status;
  std::optional<int64_t> vmid, pid;
  bool has_delta = false;
  config::ConfigDelta delta;   // old values are not kept: folding does not need them
};

// From a decoded payload. Members of the wrong type count as absent; a
// malformed delta throws std::runtime_error naming the problem.
FoldFacts facts_from_json(const nlohmann::json& payload);

// From the payload's JSON text. Same result as facts_from_json(parse(text)).
// Throws std::runtime_error naming the problem when the text is not JSON or
// the delta is malformed.
FoldFacts facts_from_text(std::string_view payload);

}  // namespace qmd::projections
