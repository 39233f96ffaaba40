// qm terminal's rules without I/O: the escape character and the serial interface.
#include <catch2/catch.hpp>

#include "service/commands/console/serial_rules.h"
#include "service/request.h"

using namespace qmd::service;
using namespace qmd::service::console;

TEST_CASE("console: --escape takes ^X, hex and decimal, as Proxmox's qm terminal") {
  CHECK(parse_escape("^O") == 0x0f);
  CHECK(parse_escape("^]") == 0x1d);
  CHECK(parse_escape("^a") == 0x01);
  CHECK(parse_escape("0x1d") == 0x1d);
  CHECK(parse_escape("29") == 29);
  CHECK(parse_escape("0") == 0);
  CHECK(escape_hint(0x0f) == " (press Ctrl+O to exit)");
  CHECK(escape_hint(0x1d) == " (press Ctrl+] to exit)");
  CHECK(escape_hint(0).empty());
  for (const char* bad : {"O", "^", "^~", "0x", "-1", "0x100", "99999999999999999999999", ""}) {
    INFO(bad);
    CHECK_THROWS_WITH(parse_escape(bad), std::string("invalid escape character definition: ") + bad);
  }
}

TEST_CASE("console: the serial interface is the given one or the first socket, with Proxmox's messages") {
  const qmd::config::Section conf = {{"serial0", "/dev/ttyS0"}, {"serial2", "socket"}, {"serial3", "socket"}};
  CHECK(pick_serial_iface(conf, std::nullopt) == "serial2");
  CHECK(pick_serial_iface(conf, std::string("serial3")) == "serial3");
  CHECK_THROWS_WITH(pick_serial_iface(conf, std::string("serial1")), "serial interface 'serial1' is not configured");
  CHECK_THROWS_WITH(pick_serial_iface(conf, std::string("serial0")), "wrong serial type on interface 'serial0'");
  CHECK_THROWS_WITH(pick_serial_iface({{"serial0", "/dev/ttyS0"}}, std::nullopt), "unable to find a serial interface");
  CHECK_THROWS_WITH(pick_serial_iface({}, std::nullopt), "unable to find a serial interface");
}
