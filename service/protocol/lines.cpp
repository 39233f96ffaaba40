#include "service/protocol/lines.h"

#include <stdexcept>

#include "service/protocol/request_json.h"

namespace qmd::service::protocol {

std::string request_line(const Request& req, bool progress) {
  nlohmann::json j = request_to_json(req);
  if (progress) j["progress"] = true;
  else j.erase("progress");
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::variant<Request, Reply> parse_request_line(std::string_view line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    return Reply::fail(std::string("qmd: invalid request: not JSON (") + e.what() + ")");
  }
  try {
    Request r = request_from_json(j);
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

std::string progress_line(OutStream stream, const std::string& text) {
  const nlohmann::json j = {{"progress", {{"stream", stream == OutStream::err ? "err" : "out"}, {"text", text}}}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Reply oversized_request_reply() {
  return Reply::fail("qmd: invalid request: line longer than " + std::to_string(kMaxRequestLine) + " bytes");
}

namespace {

nlohmann::json parse_server_json(std::string_view line) {
  try {
    return nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(std::string("invalid reply from qmd: ") + e.what());
  }
}

Reply reply_of(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("exit_code") || !j["exit_code"].is_number_integer())
    throw std::runtime_error("invalid reply from qmd: no integer 'exit_code'");
  Reply r;
  r.exit_code = j["exit_code"].get<int>();
  if (auto it = j.find("out"); it != j.end() && it->is_string()) r.out = it->get<std::string>();
  if (auto it = j.find("err"); it != j.end() && it->is_string()) r.err = it->get<std::string>();
  return r;
}

}  // namespace

Reply parse_reply_line(std::string_view line) { return reply_of(parse_server_json(line)); }

std::variant<Progress, Reply> parse_server_line(std::string_view line) {
  const nlohmann::json j = parse_server_json(line);
  auto p = j.is_object() ? j.find("progress") : j.end();
  if (p == j.end()) return reply_of(j);
  auto stream = p->is_object() ? p->find("stream") : p->end();
  auto text = p->is_object() ? p->find("text") : p->end();
  if (stream == p->end() || text == p->end() || !text->is_string() || !stream->is_string() ||
      (*stream != "out" && *stream != "err"))
    throw std::runtime_error("invalid reply from qmd: a progress line needs 'stream' (\"out\" or \"err\") and a string 'text'");
  return Progress{*stream == "err" ? OutStream::err : OutStream::out, text->get<std::string>()};
}

}  // namespace qmd::service::protocol
