#include "config/cloudinit/seed.h"

#include "config/cloudinit/documents.h"
#include "config/config_error.h"
#include "config/formats/format_defs.h"
#include "config/propstring.h"

namespace qmd::config::cloudinit {

namespace {

constexpr size_t kMaxSnippets = 3 * 1024 * 1024;  // the 4 MiB volume keeps room for the ISO's overhead

void check_size(const std::map<std::string, std::string>& files) {
  size_t sum = 0;
  for (const auto& [_, c] : files) sum += c.size();
  if (sum > kMaxSnippets) throw ConfigError("Cloud-Init sum of snippets too big (> 3 MiB)");
}

}  // namespace

std::map<std::string, std::string> cicustom_volumes(const Section& conf) {
  auto it = conf.find("cicustom");
  if (it == conf.end() || it->second.empty()) return {};
  const PropMap m = parse_property_string(formats::cicustom(), it->second, "cicustom");
  return {m.begin(), m.end()};
}

Seed seed_of(const Section& conf, int64_t vmid, const Dns& dns, const Snippets& sn) {
  const std::string format = format_of(conf);
  Seed seed;
  if (format == "opennebula") {
    seed.label = "CONTEXT";
    seed.files["context.sh"] = opennebula_context(conf, vmid, dns);
    return seed;
  }
  if (format != "nocloud" && format != "configdrive2")
    throw ConfigError("missing cloudinit methods for format '" + format + "'");
  const bool nocloud = format == "nocloud";
  const bool windows = !nocloud && is_windows(conf);
  const std::string user = sn.user ? *sn.user : user_data(conf, vmid);
  const std::string network = sn.network ? *sn.network
                              : nocloud  ? nocloud_network(conf, dns)
                              : windows  ? cloudbase_network(conf, dns)
                                         : configdrive2_network(conf, dns);
  const std::string vendor = sn.vendor ? *sn.vendor : "";
  std::string meta;
  if (sn.meta) meta = *sn.meta;
  else if (nocloud) meta = nocloud_meta(instance_id(user, network));
  else if (windows) meta = cloudbase_meta(instance_id(user, network), conf);
  else meta = configdrive2_meta(instance_id(user, network));
  if (nocloud) {
    seed.label = "cidata";
    seed.files = {{"user-data", user}, {"network-config", network}, {"meta-data", meta}, {"vendor-data", vendor}};
  } else {
    seed.label = "config-2";
    seed.files = {{"openstack/latest/user_data", user},
                  {"openstack/content/0000", network},
                  {"openstack/latest/meta_data.json", meta},
                  {"openstack/latest/vendor_data.json", vendor}};
  }
  check_size(seed.files);
  return seed;
}

}  // namespace qmd::config::cloudinit
