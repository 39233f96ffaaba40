// Drive property-string formats (PVE::QemuServer::Drive).
#include "config/formats/format_defs.h"
#include "config/formats/prop_builders.h"
#include "config/formats/validators.h"

namespace qmd::config::formats {
namespace {

using VT = ValueType;

Prop file_prop(FormatFn f) {
  return {.name = "file", .optional = false, .default_key = true, .format = f};
}
Prop volume_alias() { return {.name = "volume", .alias = "file"}; }
Prop image_format() {
  return {.name = "format", .enums = {"raw", "qcow", "qed", "qcow2", "vmdk", "cloop"}};
}
Prop size_prop() { return {.name = "size", .format = fmt::disk_size, .disk_size = true}; }

std::vector<Prop> base_props() {
  std::vector<Prop> p = {
      volume_alias(),
      file_prop(fmt::volume_id_or_qm_path),
      {.name = "media", .enums = {"cdrom", "disk"}, .default_value = "disk"},
      {.name = "cyls", .type = VT::Integer},
      {.name = "heads", .type = VT::Integer},
      {.name = "secs", .type = VT::Integer},
      {.name = "trans", .enums = {"none", "lba", "auto"}},
      boolp("snapshot"),
      {.name = "cache", .enums = {"none", "writethrough", "writeback", "unsafe", "directsync"}},
      image_format(),
      size_prop(),
      boolp("backup"),
      boolp("replicate", "1"),
      {.name = "rerror", .enums = {"ignore", "report", "stop"}},
      {.name = "werror", .enums = {"enospc", "ignore", "report", "stop"}},
      {.name = "aio", .enums = {"native", "threads", "io_uring"}},
      {.name = "discard", .enums = {"ignore", "on"}},
      boolp("detect_zeroes"),
      {.name = "serial", .max_length = 60, .format = fmt::urlencoded},
      boolp("shared", "0"),
  };
  for (std::string_view k : {"bps", "bps_rd", "bps_wr", "iops", "iops_rd", "iops_wr", "iops_max",
                             "iops_rd_max", "iops_wr_max"})
    p.push_back({.name = k, .type = VT::Integer});
  for (std::string_view k : {"mbps", "mbps_rd", "mbps_wr", "mbps_max", "mbps_rd_max", "mbps_wr_max"})
    p.push_back({.name = k, .type = VT::Number});
  for (std::string_view k : {"bps_max_length", "bps_rd_max_length", "bps_wr_max_length",
                             "iops_max_length", "iops_rd_max_length", "iops_wr_max_length"})
    p.push_back({.name = k, .type = VT::Integer, .minimum = "1"});
  p.push_back({.name = "bps_rd_length", .alias = "bps_rd_max_length"});
  p.push_back({.name = "bps_wr_length", .alias = "bps_wr_max_length"});
  p.push_back({.name = "iops_rd_length", .alias = "iops_rd_max_length"});
  p.push_back({.name = "iops_wr_length", .alias = "iops_wr_max_length"});
  return p;
}

Prop iothread() { return boolp("iothread"); }
Prop product() { return {.name = "product", .pattern = fmt::pat_product16}; }
Prop vendor() { return {.name = "vendor", .pattern = fmt::pat_vendor8}; }
Prop model() { return {.name = "model", .max_length = 120, .format = fmt::urlencoded}; }
Prop queues() { return {.name = "queues", .type = VT::Integer, .minimum = "2"}; }
Prop ro() { return boolp("ro"); }
Prop scsiblock() { return boolp("scsiblock", "0"); }
Prop ssd() { return boolp("ssd"); }
Prop wwn() { return {.name = "wwn", .pattern = fmt::pat_wwn}; }
Prop efitype() { return {.name = "efitype", .enums = {"2m", "4m"}, .default_value = "2m"}; }
Prop pre_enrolled() { return boolp("pre-enrolled-keys", "0"); }
Prop ms_cert() {
  return {.name = "ms-cert", .enums = {"2011", "2023", "2023k", "2023w"}, .default_value = "2011"};
}
Prop tpm_version() { return {.name = "version", .enums = {"v1.2", "v2.0"}, .default_value = "v1.2"}; }

Format make(std::string_view name, std::vector<Prop> extra) {
  Format f{name, base_props()};
  for (auto& p : extra) f.props.push_back(std::move(p));
  return f;
}

}  // namespace

const Format& ide() {
  static const Format f = make("pve-qm-ide", {model(), ssd(), wwn()});
  return f;
}
const Format& sata() {
  static const Format f = make("pve-qm-sata", {ssd(), wwn()});
  return f;
}
const Format& scsi() {
  static const Format f =
      make("pve-qm-scsi", {iothread(), product(), queues(), ro(), scsiblock(), ssd(), vendor(), wwn()});
  return f;
}
const Format& virtio() {
  static const Format f = make("pve-qm-virtio", {iothread(), ro()});
  return f;
}
const Format& efidisk() {
  static const Format f{"pve-qm-efidisk",
                        {volume_alias(), file_prop(fmt::volume_id_or_qm_path), image_format(),
                         size_prop(), efitype(), pre_enrolled(), ms_cert()}};
  return f;
}
const Format& tpmstate() {
  static const Format f{"pve-qm-tpmstate",
                        {volume_alias(), file_prop(fmt::volume_id_or_qm_path), size_prop(),
                         tpm_version()}};
  return f;
}
const Format& unused() {
  static const Format f{"pve-qm-unused", {volume_alias(), file_prop(fmt::volume_id)}};
  return f;
}
const Format& all_drive() {
  static const Format f = make("pve-qm-alldrive",
                               {iothread(), model(), product(), queues(), ro(), scsiblock(), ssd(),
                                vendor(), wwn(), tpm_version(), efitype(), pre_enrolled(), ms_cert()});
  return f;
}

}  // namespace qmd::config::formats
