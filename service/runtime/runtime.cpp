#include "service/runtime/runtime.h"

namespace qmd::service::runtime {

std::vector<LiveStatus> Runtime::statuses(const std::vector<int64_t>& vmids, bool full) {
  std::vector<LiveStatus> out;
  out.reserve(vmids.size());
  for (int64_t vmid : vmids) out.push_back(status(vmid, full));
  return out;
}

std::string qmd_not_running_message(const std::string& socket_path, const std::string& data_dir) {
  return "qmd is not running (no answer on " + socket_path + ") - start it with 'systemctl start qmd' or 'qmd --data-dir " +
         data_dir + "'";
}

}  // namespace qmd::service::runtime
