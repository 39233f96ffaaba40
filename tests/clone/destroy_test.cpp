// qm destroy's guards and what it frees, through real qm processes.
#include "tests/clone/clone_fixture.h"

using namespace qmd::testing;

TEST_CASE("destroy refuses while a linked clone uses the base, frees only owned volumes", "[destroy][cli]") {
  Qm qm;
  qm_ok(qm, {"create", "100", "-scsi0", "local:1"});
  qm_ok(qm, {"template", "100"});
  qm_ok(qm, {"clone", "100", "101"});
  const int events = qm.event_count();
  const std::string conf100 = qm.conf(100);
  auto r = qm({"destroy", "100"});
  CHECK(r.exit_code == 255);
  CHECK(r.err == "base volume 'local:100/base-100-disk-0.qcow2' is still in use by linked cloned\n");
  CHECK(qm.event_count() == events);
  CHECK(qm.conf(100) == conf100);
  CHECK(images_of(qm, 100) == std::vector<std::string>{"base-100-disk-0.qcow2"});

  // The clone's destroy frees its own image, never the base it links to.
  qm_ok(qm, {"destroy", "101"});
  CHECK_FALSE(dir_exists(qm.dir() + "/images/101"));
  CHECK(images_of(qm, 100) == std::vector<std::string>{"base-100-disk-0.qcow2"});
  qm_ok(qm, {"destroy", "100"});
  CHECK_FALSE(dir_exists(qm.dir() + "/images/100"));
  CHECK_FALSE(file_exists(qm.conf_path(100)));
  CHECK(qm({"verify"}).exit_code == 0);
}

TEST_CASE("destroy honours protection", "[destroy][cli][errors]") {
  Qm qm;
  qm_ok(qm, {"create", "200", "-scsi0", "local:1", "-protection", "1"});
  const int events = qm.event_count();
  auto r = qm({"destroy", "200"});
  CHECK(r.err == "can't remove VM 200 - protection mode enabled\n");
  CHECK(qm({"destroy", "200", "--purge", "--skiplock"}).err == "can't remove VM 200 - protection mode enabled\n");
  CHECK(qm.event_count() == events);
  CHECK(images_of(qm, 200) == std::vector<std::string>{"vm-200-disk-0.qcow2"});
  qm_ok(qm, {"set", "200", "-protection", "0"});
  qm_ok(qm, {"destroy", "200", "--purge"});
  CHECK_FALSE(file_exists(qm.conf_path(200)));
  CHECK_FALSE(dir_exists(qm.dir() + "/images/200"));
}

TEST_CASE("destroy frees unused and snapshot-only volumes it owns, not another VM's", "[destroy][cli]") {
  Qm qm;
  qm_ok(qm, {"create", "200", "-scsi0", "local:1"});
  const std::string dir = qm.dir() + "/images/700";
  std::filesystem::create_directories(dir);
  for (const char* n : {"vm-700-disk-0.qcow2", "vm-700-disk-1.qcow2", "vm-700-disk-2.qcow2"})
    REQUIRE(run({"/usr/bin/qemu-img", "create", "-q", "-f", "qcow2", dir + "/" + n, "1M"}).exit_code == 0);
  import_conf(qm, 700,
              "parent: s1\n"
              "scsi0: local:700/vm-700-disk-0.qcow2,size=1M\n"
              "scsi1: local:200/vm-200-disk-0.qcow2,size=1G\n"
              "unused0: local:700/vm-700-disk-1.qcow2\n"
              "\n[s1]\nscsi0: local:700/vm-700-disk-2.qcow2,size=1M\nsnaptime: 1700000000\n");
  qm_ok(qm, {"destroy", "700"});
  CHECK_FALSE(dir_exists(dir));
  CHECK(images_of(qm, 200) == std::vector<std::string>{"vm-200-disk-0.qcow2"});
}

TEST_CASE("destroy of a VM whose clone completed leaves strays unless --destroy-unreferenced-disks", "[destroy][cli]") {
  Qm qm;
  qm_ok(qm, {"create", "200", "-scsi0", "local:1"});
  // A clone that completed leaves strays alone unless asked: put one in each VM's directory.
  qm_ok(qm, {"clone", "200", "202"});
  REQUIRE(run({"/usr/bin/qemu-img", "create", "-q", "-f", "raw", qm.dir() + "/images/202/vm-202-disk-7.raw", "1M"}).exit_code == 0);
  qm_ok(qm, {"destroy", "202"});
  CHECK(images_of(qm, 202) == std::vector<std::string>{"vm-202-disk-7.raw"});
  qm_ok(qm, {"create", "202"});
  qm_ok(qm, {"destroy", "202", "--destroy-unreferenced-disks"});
  CHECK_FALSE(dir_exists(qm.dir() + "/images/202"));
}
