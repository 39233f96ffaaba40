// qm diff <vmid> --from SEQ|TIME [--to SEQ|TIME]: key-by-key changes of a VM's
// config between two points of the log (default --to: now), as a unified-diff
// style listing: `-key: old` / `+key: new`, sections introduced by `[name]`.
#include <map>
#include <utility>

#include <fmt/format.h>

#include "config/secrets.h"
#include "projections/replay.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"

namespace qmd::service {

namespace {

using Flat = std::map<std::pair<std::string, std::string>, std::string>;  // (section, key) -> value

Flat flatten(const projections::VmState& s) {
  Flat f;
  if (!s.exists) return f;
  auto put = [&](const std::string& addr, const config::Section& sec) {
    for (const auto& [k, v] : sec) f[{addr, k}] = v;
  };
  put("", s.conf.main);
  put("PENDING", s.conf.pending);
  for (const auto& [n, sec] : s.conf.snapshots) put(n, sec);
  for (const auto& [n, sec] : s.conf.special) put("special:" + n, sec);
  return f;
}

std::string one_line(const std::string& v) {
  std::string out;
  for (char c : v) out += (c == '\n') ? std::string("\\n") : std::string(1, c);
  return out;
}

std::string describe_point(const projections::VmState& s) {
  if (s.version == 0) return "before its first event";
  return fmt::format("at seq {} ({})", s.last_seq, format_time_ms(s.updated_at));
}

}  // namespace

Reply run_diff(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const auto from_text = req.opt("from");
  if (!from_text) throw param_error("from", "property is missing and it is not optional");
  const events::Upto from = parse_point("from", *from_text);
  events::Upto to;
  if (auto t = req.opt("to")) to = parse_point("to", *t);
  if (app.store().stream_version("vm/" + std::to_string(vmid)) == 0) {
    throw CommandError("no history for VM " + std::to_string(vmid) + " (it never existed)");
  }
  const auto a = projections::state_at(app.store(), app.model(), vmid, from);
  const auto b = projections::state_at(app.store(), app.model(), vmid, to);
  const Flat fa = flatten(a);
  const Flat fb = flatten(b);

  nlohmann::json changes = nlohmann::json::array();
  std::string body;
  std::string current_section = "";
  auto line = [&](const std::string& section, const std::string& text) {
    if (section != current_section) {
      body += "[" + (section.empty() ? std::string("main") : section) + "]\n";
      current_section = section;
    }
    body += text + "\n";
  };
  // A secret shows only that it changed: its hash compares, the hidden text is shown.
  auto shown = [](const Flat::value_type& e) { return config::shown_value(e.first.second, e.second); };
  auto ia = fa.begin();
  auto ib = fb.begin();
  while (ia != fa.end() || ib != fb.end()) {
    if (ib == fb.end() || (ia != fa.end() && ia->first < ib->first)) {
      line(ia->first.first, "-" + ia->first.second + ": " + one_line(shown(*ia)));
      changes.push_back({{"section", ia->first.first}, {"key", ia->first.second}, {"old", shown(*ia)}, {"new", nullptr}});
      ++ia;
    } else if (ia == fa.end() || ib->first < ia->first) {
      line(ib->first.first, "+" + ib->first.second + ": " + one_line(shown(*ib)));
      changes.push_back({{"section", ib->first.first}, {"key", ib->first.second}, {"old", nullptr}, {"new", shown(*ib)}});
      ++ib;
    } else {
      if (ia->second != ib->second) {
        line(ia->first.first, "-" + ia->first.second + ": " + one_line(shown(*ia)));
        line(ib->first.first, "+" + ib->first.second + ": " + one_line(shown(*ib)));
        changes.push_back({{"section", ia->first.first}, {"key", ia->first.second}, {"old", shown(*ia)}, {"new", shown(*ib)}});
      }
      ++ia;
      ++ib;
    }
  }
  if (req.output_format != "text") {
    return Reply::ok(render_json(req, {{"vmid", vmid}, {"from_seq", a.last_seq}, {"to_seq", b.last_seq},
                                       {"from_exists", a.exists}, {"to_exists", b.exists}, {"changes", changes}}));
  }
  std::string out = fmt::format("--- VM {} {}\n+++ VM {} {}\n", vmid, describe_point(a), vmid, describe_point(b));
  return Reply::ok(out + body);
}

}  // namespace qmd::service
