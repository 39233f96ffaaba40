#include "service/commands/cloudinit/seed_image.h"

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "config/cloudinit/pending.h"
#include "config/config_error.h"
#include "config/formats/drive.h"
#include "config/schema.h"
#include "config/writer.h"
#include "projections/vm_events.h"
#include "service/commands/common.h"
#include "service/storage/process.h"
#include "service/storage/storage_error.h"

namespace qmd::service {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxSnippet = 1024 * 1024;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `bytes` to `path` (mode 0600), creating its directories.
void write_private(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) throw CommandError("cannot write '" + path.string() + "'");
  ::chmod(path.c_str(), 0600);
}

// A digest of what a seed holds, to skip rewriting an unchanged one.
std::string seed_digest(const config::cloudinit::Seed& seed) {
  std::string all = seed.label + '\0';
  for (const auto& [p, c] : seed.files) all += p + '\0' + std::to_string(c.size()) + '\0' + c;
  return config::config_digest(all);
}

// Removes a directory tree when it goes out of scope (the documents hold the password hash).
struct TreeRemover {
  fs::path dir;
  ~TreeRemover() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

}  // namespace

config::cloudinit::HostDns host_dns() {
  const auto text = read_file("/etc/resolv.conf");
  return text ? config::cloudinit::parse_resolv_conf(*text) : config::cloudinit::HostDns{};
}

config::cloudinit::Snippets read_snippets(App& app, const config::Section& conf) {
  config::cloudinit::Snippets out;
  std::map<std::string, std::string> volumes;
  try {
    volumes = config::cloudinit::cicustom_volumes(conf);
  } catch (const config::ConfigError& e) {
    throw CommandError(std::string("cicustom: ") + e.what());
  }
  for (const auto& [kind, volid] : volumes) {
    const auto colon = volid.find(':');
    const std::string rest = colon == std::string::npos ? "" : volid.substr(colon + 1);
    if (colon == std::string::npos || !rest.starts_with("snippets/") || rest.size() <= 9 ||
        rest.find("..") != std::string::npos)
      throw CommandError(volid + " is not in the snippets directory");
    std::string path;
    try {
      path = app.storage().config().usable(volid.substr(0, colon)).path + "/" + rest;
    } catch (const storage::StorageError& e) {
      throw CommandError(e.what());
    }
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    // Proxmox's file_get_contents message.
    if (ec) throw CommandError("can't open '" + path + "' - " + ec.message());
    if (size > kMaxSnippet) throw CommandError(volid + ": snippet too big (> 1 MiB)");
    errno = 0;
    auto text = read_file(path);
    if (!text) throw CommandError("can't open '" + path + "' - " + std::generic_category().message(errno));
    if (kind == "user") out.user = std::move(text);
    else if (kind == "network") out.network = std::move(text);
    else if (kind == "meta") out.meta = std::move(text);
    else if (kind == "vendor") out.vendor = std::move(text);
  }
  return out;
}

std::vector<std::string> cloudinit_volumes(const config::Section& conf, int64_t vmid) {
  std::vector<std::string> out;
  const std::string own = "vm-" + std::to_string(vmid) + "-cloudinit";
  for (const auto& [key, value] : conf) {
    if (!config::is_drive_key(key)) continue;
    try {
      const config::PropMap d = config::parse_drive(key, value);
      if (!config::drive_is_cloudinit(d)) continue;
      const std::string& file = d.at("file");
      if (file.find(own) != std::string::npos) out.push_back(file);
    } catch (const config::ConfigError&) {
    }
  }
  return out;
}

bool write_seed(App& app, const config::Section& conf, int64_t vmid, bool only_if_changed) {
  const std::vector<std::string> volumes = cloudinit_volumes(conf, vmid);
  if (volumes.empty()) return false;
  config::cloudinit::Seed seed;
  try {
    const auto dns = config::cloudinit::dns_of(conf, host_dns());
    seed = config::cloudinit::seed_of(conf, vmid, dns, read_snippets(app, conf));
  } catch (const config::ConfigError& e) {
    throw CommandError(e.what());
  }
  const std::string digest = seed_digest(seed);
  const fs::path base = fs::path(app.env().run_dir()) / "cloudinit";
  fs::create_directories(base);
  ::chmod(base.c_str(), 0700);
  bool wrote = false;
  for (const auto& volid : volumes) {
    const fs::path marker = base / (std::to_string(vmid) + "-" + fs::path(volid).filename().string() + ".seed");
    if (only_if_changed && read_file(marker) == digest + "\n") continue;
    const fs::path work = base / std::to_string(vmid);
    TreeRemover cleanup{work};
    fs::remove_all(work);
    fs::create_directories(work / "files");
    ::chmod(work.c_str(), 0700);
    for (const auto& [path, bytes] : seed.files) write_private(work / "files" / path, bytes);
    const std::string iso = (work / "seed.iso").string();
    const std::vector<std::string> argv = {"genisoimage", "-quiet", "-iso-level", "3", "-J", "-R", "-V", seed.label,
                                           "-o", iso, (work / "files").string()};
    storage::ProcessResult r;
    try {
      r = storage::run_process(argv);
    } catch (const std::exception& e) {
      throw CommandError(std::string("cannot run genisoimage: ") + e.what());
    }
    if (!r.ok()) throw CommandError("command '" + storage::command_text(argv) + "' failed: " + r.err);
    try {
      app.storage().write_raw_into(volid, iso);
    } catch (const storage::StorageError& e) {
      throw CommandError(e.what());
    }
    write_private(marker, digest + "\n");
    spdlog::info("VM {}: cloud-init seed written to {}", vmid, volid);
    wrote = true;
  }
  return wrote;
}

void record_seed_generated(App& app, const Request& req, int64_t vmid) {
  retry_on_conflict([&] {
    const auto s = load_existing(app, vmid);
    const config::ConfigFile next = config::cloudinit::seed_generated(s.conf);
    if (next == s.conf) return 0;
    app.commit(vmid, s.version,
               {{projections::event_type::kConfigUpdated, 1, {{"delta", projections::delta_json(s.conf, next)}}, {}}},
               req);
    return 0;
  });
}

}  // namespace qmd::service
