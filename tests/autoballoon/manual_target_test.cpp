// qm set --balloon on a running VM (spec §7.7): which target is set directly.
#include <catch2/catch.hpp>

#include "service/autoballoon/manual_target.h"
#include "service/autoballoon/planner.h"

using namespace qmd::autoballoon;
using qmd::config::Section;

TEST_CASE("manual target: shares 0 makes a new balloon value the target", "[autoballoon][manual]") {
  const Section before = {{"memory", "256"}, {"balloon", "160"}, {"shares", "0"}};
  Section after = before;
  after["balloon"] = "224";
  CHECK(manual_balloon_target(before, after) == 224 * kMiB);
  // shares set to 0 in the same command counts (fast-plugged first, as in Proxmox)
  Section auto_before = {{"memory", "256"}, {"balloon", "160"}};
  CHECK(manual_balloon_target(auto_before, after) == 224 * kMiB);
  // a first balloon value
  Section none = {{"memory", "256"}, {"shares", "0"}};
  CHECK(manual_balloon_target(none, after) == 224 * kMiB);
}

TEST_CASE("manual target: autoballoon VMs and unchanged values are left to the cycle", "[autoballoon][manual]") {
  const Section before = {{"memory", "256"}, {"balloon", "160"}};
  Section after = before;
  after["balloon"] = "224";
  CHECK_FALSE(manual_balloon_target(before, after).has_value());
  after["shares"] = "1000";
  CHECK_FALSE(manual_balloon_target(before, after).has_value());
  Section manual = {{"memory", "256"}, {"balloon", "160"}, {"shares", "0"}};
  CHECK_FALSE(manual_balloon_target(manual, manual).has_value());
  Section renamed = manual;
  renamed["name"] = "x";
  CHECK_FALSE(manual_balloon_target(manual, renamed).has_value());
}

TEST_CASE("manual target: deleting balloon resets the target to memory, whatever the shares", "[autoballoon][manual]") {
  const Section before = {{"memory", "current=256"}, {"balloon", "160"}};
  Section after = before;
  after.erase("balloon");
  CHECK(manual_balloon_target(before, after) == 256 * kMiB);
  Section no_device = {{"memory", "256"}, {"balloon", "0"}};
  Section gone = {{"memory", "256"}};
  CHECK_FALSE(manual_balloon_target(no_device, gone).has_value());
  CHECK_FALSE(manual_balloon_target(gone, gone).has_value());
}
