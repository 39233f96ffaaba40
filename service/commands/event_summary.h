// One-line human summaries of events, for history and audit.
#pragma once

#include <string>

#include "events/event.h"

namespace qmd::service {

// E.g. "memory: 2048 -> 4096; +net1; -balloon" for a config update, "lock
// snapshot" for an operation start. Never throws: a malformed payload yields
// "(unreadable payload)".
std::string summarize_event(const events::Event& e);

}  // namespace qmd::service
