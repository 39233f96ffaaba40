// Small typed helpers over single-purpose option values: startup, boot order,
// hotplug features, pending delete lists.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace qmd::config {

struct StartupOrder {
  std::optional<uint64_t> order;  // unset = after every ordered guest
  std::optional<uint64_t> up;     // seconds to wait after start
  std::optional<uint64_t> down;   // shutdown timeout
};
// "[[order=]N][,up=N][,down=N]". Throws ConfigError "unable to parse startup options".
StartupOrder parse_startup(std::string_view value);

// The device list of `boot: order=a;b;c` (empty when no order is given or the
// legacy form is used). Throws ConfigError on an invalid boot property string.
std::vector<std::string> parse_boot_order(std::string_view boot_value);
// "order=a;b;c" (the canonical print of a boot order), "" for an empty list.
std::string print_boot_order(const std::vector<std::string>& devices);

// Enabled hotplug features of a `hotplug` value ("0" none, "1" the default
// network,disk,usb). Throws ConfigError "invalid hotplug feature '<f>'".
std::set<std::string> parse_hotplug(std::string_view value);

// One entry of a pending `delete:` list.
struct PendingDelete {
  std::string key;
  bool force = false;  // "!key": destroy the volume instead of keeping it as unusedN
};
// Splits on ',', ';' and whitespace; later duplicates replace earlier ones.
std::vector<PendingDelete> parse_pending_delete(std::string_view value);
// Comma-joined, sorted by key, "!" for forced entries.
std::string print_pending_delete(const std::vector<PendingDelete>& list);

}  // namespace qmd::config
