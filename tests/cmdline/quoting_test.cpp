// Spec §10 quoting and the --pretty layout.
#include <catch2/catch.hpp>

#include "service/qemu/cmdline.h"

using qmd::qemu::format_command_line;
using qmd::qemu::shell_quote;

TEST_CASE("shell_quote leaves plain words alone") {
  CHECK(shell_quote("/usr/bin/kvm") == "/usr/bin/kvm");
  CHECK(shell_quote("kvm64,enforce,+kvm_pv_eoi,+sep") == "kvm64,enforce,+kvm_pv_eoi,+sep");
  CHECK(shell_quote("a_b!c%d^e@f:g.h-i") == "a_b!c%d^e@f:g.h-i");
}

TEST_CASE("shell_quote quotes '=' spaces and other characters") {
  CHECK(shell_quote("type=pc") == "'type=pc'");
  CHECK(shell_quote("a b") == "'a b'");
  CHECK(shell_quote("{\"id\":1}") == "'{\"id\":1}'");
  CHECK(shell_quote("x*y") == "'x*y'");
}

TEST_CASE("shell_quote escapes single quotes and quotes the empty argument") {
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("'") == "''\\'''");
}

TEST_CASE("format_command_line joins quoted arguments") {
  const std::vector<std::string> argv = {"/usr/bin/kvm", "-m", "512", "-name", "a b", "-machine", "type=pc", ""};
  CHECK(format_command_line(argv, false) == "/usr/bin/kvm -m 512 -name 'a b' -machine 'type=pc' ''");
}

TEST_CASE("format_command_line pretty breaks before every ' -'") {
  const std::vector<std::string> argv = {"/usr/bin/kvm", "-m", "512", "-name", "x -y"};
  CHECK(format_command_line(argv, true) == "/usr/bin/kvm \\\n  -m 512 \\\n  -name 'x \\\n  -y'");
}
