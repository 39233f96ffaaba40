// qmd's autoballoon options and their environment variables.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "service/daemon/options.h"

using qmd::service::daemon::parse_daemon_options;

TEST_CASE("qmd options: autoballoon defaults, options and environment", "[autoballoon][options]") {
  ::unsetenv("QMD_BALLOON_INTERVAL");
  ::unsetenv("QMD_BALLOONING_TARGET");
  ::unsetenv("QMD_MEMINFO");
  auto o = parse_daemon_options({});
  CHECK(o.autoballoon.interval_ms == 10000);
  CHECK(o.autoballoon.target_percent == 80);
  CHECK(o.autoballoon.meminfo == "/proc/meminfo");
  o = parse_daemon_options({"--balloon-interval", "0.5", "--ballooning-target", "100", "--meminfo", "/tmp/m"});
  CHECK(o.autoballoon.interval_ms == 500);
  CHECK(o.autoballoon.target_percent == 100);
  CHECK(o.autoballoon.meminfo == "/tmp/m");
  CHECK(parse_daemon_options({"--balloon-interval", "0"}).autoballoon.interval_ms == 0);
  ::setenv("QMD_BALLOON_INTERVAL", "2", 1);
  ::setenv("QMD_BALLOONING_TARGET", "0", 1);
  ::setenv("QMD_MEMINFO", "/x", 1);
  o = parse_daemon_options({});
  CHECK(o.autoballoon.interval_ms == 2000);
  CHECK(o.autoballoon.target_percent == 0);
  CHECK(o.autoballoon.meminfo == "/x");
  CHECK(parse_daemon_options({"--balloon-interval", "3"}).autoballoon.interval_ms == 3000);  // option wins
  ::setenv("QMD_BALLOON_INTERVAL", "soon", 1);
  CHECK_THROWS_WITH(parse_daemon_options({}), "invalid --balloon-interval 'soon' (seconds, 0 = off)");
  ::unsetenv("QMD_BALLOON_INTERVAL");
  ::unsetenv("QMD_BALLOONING_TARGET");
  ::unsetenv("QMD_MEMINFO");
}

TEST_CASE("qmd options: bad autoballoon values are named", "[autoballoon][options]") {
  CHECK_THROWS_WITH(parse_daemon_options({"--balloon-interval", "-1"}),
                    "invalid --balloon-interval '-1' (seconds, 0 = off)");
  CHECK_THROWS_WITH(parse_daemon_options({"--balloon-interval", "10s"}),
                    "invalid --balloon-interval '10s' (seconds, 0 = off)");
  CHECK_THROWS_WITH(parse_daemon_options({"--ballooning-target", "101"}),
                    "invalid --ballooning-target '101' (a percentage, 0 to 100)");
  CHECK_THROWS_WITH(parse_daemon_options({"--ballooning-target", "8O"}),
                    "invalid --ballooning-target '8O' (a percentage, 0 to 100)");
  CHECK_THROWS_WITH(parse_daemon_options({"--meminfo"}), "option '--meminfo' needs a value");
}
