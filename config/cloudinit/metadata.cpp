// Meta data documents and the instance id; `qm cloudinit dump`.
#include <nlohmann/json.hpp>

#include "config/cloudinit/documents.h"
#include "config/config_error.h"
#include "config/writer.h"

namespace qmd::config::cloudinit {

std::string instance_id(const std::string& user, const std::string& network) {
  return config_digest(user + network);  // the SHA-1 hex of the bytes, as the config digest
}

std::string nocloud_meta(const std::string& id) { return "instance-id: " + id + "\n"; }

std::string configdrive2_meta(const std::string& id) {
  return "{\n     \"uuid\": \"" + id + "\",\n     \"network_config\": { \"content_path\": \"/content/0000\" }\n}\n";
}

std::string cloudbase_meta(const std::string& id, const Section& conf) {
  // Proxmox encodes a Perl hash (key order unspecified); keys are sorted here.
  nlohmann::json j = {{"uuid", id}, {"network_config", {{"content_path", "/content/0000"}}}};
  if (auto pw = conf.find("cipassword"); pw != conf.end() && !pw->second.empty()) j["admin_pass"] = pw->second;
  const auto keys = ssh_keys(conf);
  for (size_t i = 0; i < keys.size(); ++i) j["public_keys"]["key-" + std::to_string(i)] = keys[i];
  return j.dump();
}

std::string dump(const Section& conf, int64_t vmid, const std::string& type, const Dns& dns) {
  const bool nocloud = format_of(conf) == "nocloud";
  auto network = [&] { return nocloud ? nocloud_network(conf, dns) : configdrive2_network(conf, dns); };
  if (type == "user") return user_data(conf, vmid);
  if (type == "network") return network();
  if (type == "meta") {
    const std::string id = instance_id(user_data(conf, vmid), network());
    return nocloud ? nocloud_meta(id) : configdrive2_meta(id);
  }
  throw ConfigError("type: value '" + type + "' does not have a value in the enumeration 'user, network, meta'");
}

}  // namespace qmd::config::cloudinit
