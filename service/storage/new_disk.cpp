#include "service/storage/new_disk.h"

#include <regex>
#include <vector>

#include "service/storage/storage_cfg.h"
#include "service/storage/storage_error.h"

namespace qmd::storage {
namespace {

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t comma = s.find(',', start);
    out.emplace_back(s.substr(start, comma == std::string_view::npos ? s.npos : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

// GiB with an optional decimal fraction -> bytes, truncated to whole KiB.
std::uint64_t gib_to_bytes(const std::string& whole, const std::string& frac) {
  std::uint64_t kib = std::stoull(whole) * 1024 * 1024;
  std::uint64_t num = 0, den = 1;
  for (char c : frac.substr(0, 12)) {
    num = num * 10 + static_cast<unsigned>(c - '0');
    den *= 10;
  }
  kib += num * 1024 * 1024 / den;
  return kib * 1024;
}

}  // namespace

std::optional<NewDiskRequest> parse_new_disk(std::string_view drive_value,
                                             std::string_view default_storage) {
  const std::vector<std::string> parts = split_commas(drive_value);
  for (const auto& p : parts)
    if (p.rfind("import-from=", 0) == 0)
      throw StorageError("importing disks (import-from) is not supported by qmd yet");

  std::string file = parts.front();
  if (file.rfind("file=", 0) == 0) file = file.substr(5);
  static const std::regex re(R"(^(([^/:\s]+):)?(\d+)(\.(\d+))?$)");
  std::smatch m;
  if (!std::regex_match(file, m, re)) return std::nullopt;

  NewDiskRequest req;
  req.storage = m[1].matched ? m[2].str() : std::string(default_storage);
  if (req.storage.empty()) throw StorageError("no storage ID specified (and no default storage)");
  if (!is_valid_storage_id(req.storage))
    throw StorageError("storage ID '" + req.storage + "' contains illegal characters");
  req.size_bytes = gib_to_bytes(m[3].str(), m[5].str());
  if (req.size_bytes == 0) {
    const std::string size = m[3].str() + m[4].str();
    throw StorageError("invalid size '" + size + "' for a new disk (must be larger than 0)");
  }
  return req;
}

}  // namespace qmd::storage
