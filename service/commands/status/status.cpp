#include "service/commands/status/status.h"

#include "config/update.h"
#include "service/commands/common.h"
#include "service/runtime/verb_support.h"

namespace qmd::service {

nlohmann::json status_fields(const projections::VmState& s, const runtime::LiveStatus& live) {
  const config::Section c = config::effective_config(s.conf, true);
  const int64_t maxmem = runtime::memory_mib(c) * 1024 * 1024;
  auto num = [&](const char* key, int64_t dflt) -> int64_t {
    auto it = c.find(key);
    try {
      return it == c.end() ? dflt : std::stoll(it->second);
    } catch (const std::exception&) {
      return dflt;
    }
  };
  const int64_t cpus = c.count("vcpus") ? num("vcpus", 1) : num("sockets", 1) * num("cores", 1);
  nlohmann::json j = {{"vmid", s.vmid},
                      {"name", c.count("name") ? c.at("name") : "VM " + std::to_string(s.vmid)},
                      {"status", live.status},
                      {"qmpstatus", live.qmpstatus},
                      {"uptime", live.uptime_s},
                      {"maxmem", maxmem},
                      {"cpus", cpus}};
  if (live.pid != 0) j["pid"] = live.pid;
  int64_t balloon = maxmem;
  if (auto b = runtime::balloon_mib(c)) balloon = *b * 1024 * 1024;
  if (live.balloon.is_object() && live.balloon.contains("actual")) {
    balloon = live.balloon["actual"].get<int64_t>();
    j["ballooninfo"] = live.balloon;
  }
  j["balloon"] = balloon;
  if (!s.lock().empty()) j["lock"] = s.lock();
  if (c.count("tags")) j["tags"] = c.at("tags");
  if (live.qemu_version.is_object()) {
    const auto& q = live.qemu_version;
    j["running-qemu"] = std::to_string(q.value("major", 0)) + "." + std::to_string(q.value("minor", 0)) + "." +
                        std::to_string(q.value("micro", 0));
  }
  return j;
}

std::string status_verbose_text(const nlohmann::json& fields) {
  std::string out;
  for (const auto& [k, v] : fields.items()) {  // nlohmann's object keeps keys sorted
    out += k + ": " + (v.is_string() ? v.get<std::string>() : v.dump()) + "\n";
  }
  return out;
}

Reply run_status(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const bool verbose = flag(req, "verbose");
  auto& rt = runtime::require_runtime(app);
  const auto s = load_existing(app, vmid);
  const runtime::LiveStatus live = rt.status(vmid, verbose);
  if (req.output_format != "text") {
    return Reply::ok(render_json(req, verbose ? status_fields(s, live)
                                              : nlohmann::json{{"status", live.qmpstatus}}));
  }
  if (!verbose) return Reply::ok("status: " + live.qmpstatus + "\n");
  return Reply::ok(status_verbose_text(status_fields(s, live)));
}

}  // namespace qmd::service
