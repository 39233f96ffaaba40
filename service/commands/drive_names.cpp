#include "service/commands/drive_names.h"

#include <algorithm>

#include "service/commands/common.h"

namespace qmd::service {

const std::vector<std::string>& drive_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    auto add = [&](const char* prefix, int count) {
      for (int i = 0; i < count; ++i) n.push_back(prefix + std::to_string(i));
    };
    add("ide", 4);
    add("scsi", 31);
    add("virtio", 16);
    add("sata", 6);
    n.push_back("efidisk0");
    n.push_back("tpmstate0");
    return n;
  }();
  return names;
}

void check_drive_name(const std::string& param, const std::string& value) {
  const auto& names = drive_names();
  if (std::find(names.begin(), names.end(), value) != names.end()) return;
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw param_error(param, "value '" + value + "' does not have a value in the enumeration '" + list + "'");
}

}  // namespace qmd::service
