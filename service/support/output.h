// Shaping a verb's output: JSON for --output-format, one-line messages.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "service/request.h"

namespace qmd::service {

// Renders JSON for --output-format json / json-pretty.
std::string render_json(const Request& req, const nlohmann::json& j);

// `s` without its trailing newlines: a reply's one-line message, to embed.
std::string chomped(std::string s);

}  // namespace qmd::service
