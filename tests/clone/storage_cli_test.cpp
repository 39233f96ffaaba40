// Storage errors and detached disks through real qm processes.
#include "tests/clone/clone_fixture.h"

using namespace qmd::testing;

TEST_CASE("a missing storage or a malformed storage.cfg: clear errors, nothing written", "[storage][cli][errors]") {
  Qm qm;
  qm_ok(qm, {"create", "100", "-scsi0", "local:1"});
  const int events = qm.event_count();
  const std::string conf = qm.conf(100);

  auto missing = qm({"create", "101", "-scsi0", "nope:1"});
  CHECK(missing.exit_code == 255);
  CHECK(missing.err == "storage 'nope' does not exist\n");
  write_file(qm.dir() + "/storage.cfg", "dir: isos\n\tpath " + qm.dir() + "/isos\n\tcontent iso\n");
  CHECK(qm({"create", "101", "-scsi0", "isos:1"}).err == "storage 'isos' does not support vm images\n");
  auto clone = qm({"clone", "100", "102", "--storage", "nope"});
  CHECK(clone.err == "storage 'nope' does not exist\n");

  write_file(qm.dir() + "/storage.cfg", "dir: aa\n\tpath relative/dir\n");
  const std::string bad = "storage.cfg line 2: invalid path 'relative/dir' (must be absolute)\n";
  for (const auto& args : std::vector<std::vector<std::string>>{{"create", "103", "-scsi0", "local:1"},
                                                                {"clone", "100", "104"},
                                                                {"disk", "resize", "100", "scsi0", "+1G"},
                                                                {"destroy", "100"}}) {
    auto r = qm(args);
    INFO(args[0] << " " << args[1]);
    CHECK(r.exit_code == 255);
    CHECK(r.err == bad);
  }
  // Commands that touch no disk still work.
  CHECK(qm({"config", "100"}).exit_code == 0);
  qm_ok(qm, {"list"});

  CHECK(qm.event_count() == events);
  CHECK(qm.conf(100) == conf);
  for (const char* id : {"101", "102", "103", "104"}) {
    INFO(id);
    CHECK_FALSE(file_exists(qm.conf_path(std::stoi(id))));
    CHECK_FALSE(dir_exists(qm.dir() + "/images/" + id));
  }
  CHECK(images_of(qm, 100) == std::vector<std::string>{"vm-100-disk-0.qcow2"});
}

TEST_CASE("a detached disk becomes unusedN and keeps its image until destroy", "[storage][cli]") {
  Qm qm;
  qm_ok(qm, {"create", "100", "-scsi0", "local:1", "-scsi1", "local:1"});
  write_pattern("qcow2", qm.dir() + "/images/100/vm-100-disk-1.qcow2", "0x5c");
  qm_ok(qm, {"set", "100", "--delete", "scsi1"});
  CHECK(conf_value(qm.conf(100), "scsi1").empty());
  CHECK(conf_value(qm.conf(100), "unused0") == "local:100/vm-100-disk-1.qcow2");
  CHECK(reads_pattern("qcow2", qm.dir() + "/images/100/vm-100-disk-1.qcow2", "0x5c"));
  qm_ok(qm, {"destroy", "100"});
  CHECK_FALSE(dir_exists(qm.dir() + "/images/100"));
}
