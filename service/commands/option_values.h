// Turning the config options a user typed into values qmd can store — the
// step shared by `qm create` and `qm set`:
//   * `cdrom` becomes `ide2` (`X.iso` → `local:iso/X.iso,media=cdrom`);
//   * a bare ISO file name on any drive refers to `local:iso/<name>`;
//   * `<storage>:<GiB>` / `<GiB>` drive values become disk allocation requests;
//   * a NIC without MAC gets a generated one, `vmgenid: 1` a fresh UUID;
//   * tags are lower-cased, de-duplicated, sorted, joined with `;`;
//   * every value is checked against the schema and canonicalised.
// Pure apart from the injected generators and the ISO existence check.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "service/environment.h"
#include "service/generators.h"
#include "service/request.h"

namespace qmd::service {

struct DiskAllocation {
  std::string key;          // scsi0, ...
  std::string storage;      // local
  uint64_t size_bytes = 0;
  std::string format;       // qcow2 (default), raw, vmdk
  std::string value;        // the drive value as typed (its other options are kept)
};

struct PreparedOptions {
  std::vector<std::pair<std::string, std::string>> values;  // key -> canonical value, typed order
  std::vector<DiskAllocation> allocations;                   // drives still to allocate
};

// Reads every option of `req` that is a config key (those named in
// `verb_options` are the verb's own and skipped). Throws CommandError
// `400 Parameter verification failed.\n<key>: <message>` on the first bad value,
// `volume '<volid>' does not exist` for a missing ISO.
PreparedOptions prepare_options(const Request& req, const std::vector<std::string>& verb_options,
                                const Environment& env, const Generators& gen);

// The drive value for an allocated volume: `value` with its file replaced by
// `volid` and `size=` set, printed canonically.
std::string allocated_drive_value(const std::string& key, const std::string& value, const std::string& volid,
                                  uint64_t size_bytes);

}  // namespace qmd::service
