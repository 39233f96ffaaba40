// One-line human summaries of events, for history and audit.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "events/event.h"

namespace qmd::service {

// E.g. "memory: 2048 -> 4096; +net1; -balloon" for a config update, "lock
// snapshot" for an operation start. Never throws: a malformed payload yields
// "(unreadable payload)".
std::string summarize_event(const events::Event& e);

// An event payload as shown to a person (qm history/audit JSON): the values of
// secret keys (cipassword) in its delta replaced by config::kHiddenValue, so a
// listing shows only that a secret changed, never its hash.
nlohmann::json payload_for_display(const nlohmann::json& payload);

}  // namespace qmd::service
