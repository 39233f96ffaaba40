// qm template <vmid> [--disk KEY]
//
// As Proxmox: `template: 1` is written first, then every non-CD disk whose
// volume supports it is renamed to a base image, the drive value rewritten
// after each. Recorded as an operation (started → one step per disk →
// completed) without a `lock:`, since Proxmox sets none; a crash leaves the
// operation visibly unfinished in `qm history`.
#include "service/commands/clone/template.h"

#include <fmt/format.h>

#include "config/config_error.h"
#include "config/delta.h"
#include "config/formats/drive.h"
#include "config/schema.h"
#include "events/ids.h"
#include "projections/vm_events.h"
#include "service/commands/common.h"
#include "service/commands/drive_names.h"
#include "service/commands/clone/template_rules.h"
#include "service/storage/features.h"
#include "service/storage/storage_error.h"

namespace qmd::service {

namespace {

bool can_become_base(const std::string& volid) {
  try {
    return storage::volume_has_feature(storage::parse_volume_id(volid), storage::Feature::Template);
  } catch (const storage::StorageError&) {
    return false;
  }
}

// Points `key` at new_volid on the current state, retrying when another
// command wrote in between (the renamed file is gone, so the config must follow).
int64_t commit_rename(App& app, int64_t vmid, const std::string& op_id, const std::string& key,
                      const std::string& old_volid, const std::string& new_volid, const Request& req) {
  return retry_on_conflict([&] {
    const auto s = load_existing(app, vmid);
    config::ConfigFile next = s.conf;
    auto it = next.main.find(key);
    if (it != next.main.end()) {
      config::PropMap d = config::parse_drive(key, it->second);
      if (d.count("file") && d.at("file") == old_volid) {
        d["file"] = new_volid;
        it->second = config::print_drive(d);
      }
    }
    nlohmann::json step = {{"op_id", op_id},
                           {"step", fmt::format("{} is now base image {}", key, new_volid)},
                           {"detail", {{"key", key}, {"source", old_volid}, {"volid", new_volid}}},
                           {"delta", projections::delta_json(s.conf, next)}};
    return app.commit(vmid, s.version, {{projections::event_type::kOperationStep, 1, step, {}}}, req)
        .stream_version;
  });
}

}  // namespace

Reply run_template(App& app, const Request& req) {
  namespace t = projections::event_type;
  const int64_t vmid = parse_vmid(req.args.at(0));
  const std::optional<std::string> disk = req.opt("disk");
  if (disk) check_drive_name("disk", *disk);

  const std::string op_id = events::new_uuid();
  config::ConfigFile conf;
  retry_on_conflict([&] {
    const auto s = load_existing(app, vmid);
    check_template_allowed(s, disk.has_value());
    conf = s.conf;
    conf.main.insert_or_assign("template", std::string(1, '1'));  // (not = "1": g++ 12 -Wrestrict false positive)
    nlohmann::json p = {{"op", "template"}, {"op_id", op_id}, {"delta", projections::delta_json(s.conf, conf)}};
    if (disk) p["detail"] = {{"disk", *disk}};
    app.commit(vmid, s.version, {{t::kOperationStarted, 1, p, {}}}, req);
  });

  try {
    for (const auto& key : drive_names()) {
      if (disk && key != *disk) continue;
      auto it = conf.main.find(key);
      if (it == conf.main.end()) continue;
      config::PropMap d;
      try {
        d = config::parse_drive(key, it->second);
      } catch (const config::ConfigError&) {
        continue;  // Proxmox's foreach_volume skips drives it cannot parse
      }
      if (config::drive_is_cdrom(d) || !d.count("file") || !can_become_base(d.at("file"))) continue;
      const std::string base = app.storage().rename_to_base(d.at("file"));
      commit_rename(app, vmid, op_id, key, d.at("file"), base, req);
    }
  } catch (const std::exception& e) {
    const std::string why = e.what();
    retry_on_conflict([&] {
      const auto s = load_existing(app, vmid);
      app.commit(vmid, s.version, {{t::kOperationFailed, 1, {{"op_id", op_id}, {"error", why}}, {}}}, req);
    });
    throw CommandError(why);
  }
  retry_on_conflict([&] {
    const auto s = load_existing(app, vmid);
    app.commit(vmid, s.version, {{t::kOperationCompleted, 1, {{"op_id", op_id}}, {}}}, req);
  });
  return Reply::ok();
}

}  // namespace qmd::service
