#include "service/daemon/protocol.h"

#include <stdexcept>

namespace qmd::service::daemon {

std::variant<Request, Reply> parse_request_line(std::string_view line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    return Reply::fail(std::string("qmd: invalid request: not JSON (") + e.what() + ")");
  }
  try {
    Request r = Request::from_json(j);
    r.actor.reset();
    if (r.verb.empty()) return Reply::fail("qmd: invalid request: request member 'verb' is empty");
    return r;
  } catch (const std::exception& e) {
    return Reply::fail(std::string("qmd: invalid request: ") + e.what());
  }
}

std::string reply_line(const Reply& r) {
  const nlohmann::json j = {{"exit_code", r.exit_code}, {"out", r.out}, {"err", r.err}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Reply oversized_request_reply() {
  return Reply::fail("qmd: invalid request: line longer than " + std::to_string(kMaxRequestLine) + " bytes");
}

Reply parse_reply_line(std::string_view line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(std::string("invalid reply from qmd: ") + e.what());
  }
  if (!j.is_object() || !j.contains("exit_code") || !j["exit_code"].is_number_integer())
    throw std::runtime_error("invalid reply from qmd: no integer 'exit_code'");
  Reply r;
  r.exit_code = j["exit_code"].get<int>();
  if (auto it = j.find("out"); it != j.end() && it->is_string()) r.out = it->get<std::string>();
  if (auto it = j.find("err"); it != j.end() && it->is_string()) r.err = it->get<std::string>();
  return r;
}

}  // namespace qmd::service::daemon
