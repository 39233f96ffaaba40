#include <catch2/catch.hpp>

#include <thread>

#include "tests/cli/qm_fixture.h"

using namespace qmd::testing;

TEST_CASE("history lists every event of a VM with actor and summary", "[cli][history]") {
  Qm qm;
  REQUIRE(qm({"create", "100", "-memory", "1024"}).exit_code == 0);
  REQUIRE(qm({"set", "100", "-memory", "2048"}).exit_code == 0);
  auto h = qm({"history", "100"});
  REQUIRE(h.exit_code == 0);
  CHECK(h.out.starts_with("     SEQ TIME (UTC)               ACTOR        TYPE                     SUMMARY\n"));
  CHECK(std::regex_search(h.out, std::regex("\n       2 [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z [a-z0-9_]+ +"
                                            "vm.config.updated +memory: 1024 -> 2048\n")));
  auto j = qm({"history", "100", "--output-format", "json"});
  CHECK(j.out.find("\"command\":\"qm set 100 -memory 2048\"") != std::string::npos);
  auto missing = qm({"history", "555"});
  CHECK(missing.exit_code == 255);
  CHECK(missing.err == "no history for VM 555 (it never existed)\n");
}

TEST_CASE("audit filters by vmid, type and time", "[cli][audit]") {
  Qm qm;
  REQUIRE(qm({"create", "100"}).exit_code == 0);
  REQUIRE(qm({"create", "101"}).exit_code == 0);
  REQUIRE(qm({"set", "101", "-cores", "2"}).exit_code == 0);
  auto all = qm({"audit"});
  CHECK(std::count(all.out.begin(), all.out.end(), '\n') == 4);  // header + 3
  auto one = qm({"audit", "--vmid", "101"});
  CHECK(std::count(one.out.begin(), one.out.end(), '\n') == 3);
  auto type = qm({"audit", "--type", "vm.config"});
  CHECK(std::count(type.out.begin(), type.out.end(), '\n') == 2);
  CHECK(qm({"audit", "--until", "2000-01-01"}).out.empty());
  CHECK(qm({"audit", "--since", "2999-01-01"}).out.empty());
  CHECK(qm({"audit", "--actor", "nobody-at-all"}).out.empty());
  auto bad = qm({"audit", "--since", "yesterday"});
  CHECK(bad.exit_code == 255);
  CHECK(bad.err.starts_with("400 Parameter verification failed.\nsince: expected a seq number"));
}

TEST_CASE("config --at and diff show the past", "[cli][history][asof]") {
  Qm qm;
  REQUIRE(qm({"create", "100", "-memory", "1024"}).exit_code == 0);   // seq 1
  REQUIRE(qm({"set", "100", "-memory", "2048", "-cores", "2"}).exit_code == 0);  // seq 2
  REQUIRE(qm({"set", "100", "-delete", "cores"}).exit_code == 0);     // seq 3
  auto at1 = qm({"config", "100", "--at", "1"});
  CHECK(at1.out.find("memory: 1024\n") != std::string::npos);
  CHECK(at1.out.find("cores") == std::string::npos);
  auto at2 = qm({"config", "100", "--at", "2"});
  CHECK(at2.out.find("cores: 2\nmemory: 2048\n") != std::string::npos);
  auto d = qm({"diff", "100", "--from", "1", "--to", "2"});
  REQUIRE(d.exit_code == 0);
  CHECK(std::regex_search(d.out, std::regex("^--- VM 100 at seq 1 \\([^)]+\\)\n\\+\\+\\+ VM 100 at seq 2 \\([^)]+\\)\n"
                                            "\\+cores: 2\n-memory: 1024\n\\+memory: 2048\n$")));
  auto now = qm({"diff", "100", "--from", "2"});
  CHECK(now.out.find("-cores: 2\n") != std::string::npos);
  auto before = qm({"config", "100", "--at", "2000-01-01"});
  CHECK(before.exit_code == 255);
  CHECK(before.err == "VM 100 did not exist at 2000-01-01\n");
}
