// qm history <vmid>   — every event of one VM
// qm audit [--vmid N] [--actor USER] [--type TYPE] [--since T] [--until T]
//
// One line per event: seq, time (UTC), actor, type, a one-line summary (and
// "(via node N)" for a command forwarded to the owner from node N).
#include "service/commands/history.h"

#include <fmt/format.h>

#include "projections/vm_events.h"
#include "service/commands/common.h"
#include "service/commands/event_summary.h"

namespace qmd::service {

namespace {

nlohmann::json event_json(const events::Event& e) {
  return {{"seq", e.seq},         {"stream", e.stream},           {"version", e.version},
          {"type", e.type},       {"schema", e.schema},           {"time", format_time_ms(e.recorded_at)},
          {"recorded_at", e.recorded_at}, {"user", e.meta.value("user", "")}, {"node", e.meta.value("node", "")},
          {"uid", e.meta.value("uid", int64_t{-1})}, {"command", e.meta.value("command", "")},
          {"correlation_id", e.meta.value("correlation_id", "")}, {"via", e.meta.value("via", "")},
          {"summary", summarize_event(e)},
          {"payload", payload_for_display(e.payload)}, {"event_id", e.event_id}, {"hash", e.hash}};
}

std::string event_line(const events::Event& e, bool with_vmid) {
  std::string line = fmt::format("{:>8} {} {:<12} ", e.seq, format_time_ms(e.recorded_at),
                                 e.meta.value("user", "?"));
  if (with_vmid) {
    const int64_t vmid = projections::vmid_of_stream(e.stream);
    line += fmt::format("{:<10} ", vmid >= 0 ? std::to_string(vmid) : e.stream);
  }
  const std::string via = e.meta.value("via", "");
  line += fmt::format("{:<24} {}{}\n", e.type, summarize_event(e), via.empty() ? "" : " (via node " + via + ")");
  return line;
}

Reply print_events(const Request& req, const std::vector<events::Event>& list, bool with_vmid) {
  if (req.output_format != "text") {
    auto arr = nlohmann::json::array();
    for (const auto& e : list) arr.push_back(event_json(e));
    return Reply::ok(render_json(req, arr));
  }
  std::string out;
  if (!list.empty()) {
    out = fmt::format("{:>8} {:<24} {:<12} ", "SEQ", "TIME (UTC)", "ACTOR");
    if (with_vmid) out += fmt::format("{:<10} ", "VMID");
    out += fmt::format("{:<24} {}\n", "TYPE", "SUMMARY");
  }
  for (const auto& e : list) out += event_line(e, with_vmid);
  return Reply::ok(out);
}

}  // namespace

Reply run_history(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  auto list = app.store().read_stream(projections::vm_stream(vmid));
  if (list.empty()) {
    throw CommandError("no history for VM " + std::to_string(vmid) + " (it never existed)");
  }
  return print_events(req, list, false);
}

Reply run_audit(App& app, const Request& req) {
  std::optional<std::string> stream;
  if (auto v = req.opt("vmid")) stream = projections::vm_stream(parse_vmid(*v));
  const auto actor = req.opt("actor");
  const auto type = req.opt("type");
  events::Upto since;
  if (auto v = req.opt("since")) since = parse_point("since", *v, true);
  events::Upto until;
  if (auto v = req.opt("until")) until = parse_point("until", *v);

  std::vector<events::Event> list;
  const int64_t from = since.seq ? *since.seq : 1;
  app.store().read_all(from, [&](const events::Event& e) {
    if (since.time_ms && e.recorded_at < *since.time_ms) return true;
    if (stream && e.stream != *stream) return true;
    if (actor && e.meta.value("user", "") != *actor) return true;
    if (type && e.type != *type && !e.type.starts_with(*type + ".")) return true;
    list.push_back(e);
    return true;
  }, until);
  return print_events(req, list, true);
}

}  // namespace qmd::service
