// qm set rules (spec §6.1), pending cleanup (§2.6), qm pending / qm config views (§6.2).
#include <catch2/catch.hpp>

#include "config/config_error.h"
#include "config/pending_view.h"
#include "config/update.h"

using namespace qmd::config;

static ConfigFile base() {
  ConfigFile c;
  c.main = {{"boot", "order=scsi0;ide2;net0"},
            {"cores", "1"},
            {"memory", "2048"},
            {"name", "vm1"},
            {"net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0"},
            {"ide2", "none,media=cdrom"},
            {"scsi0", "local:100/vm-100-disk-0.qcow2,size=4G"},
            {"unused0", "local:100/vm-100-disk-9.qcow2"}};
  return c;
}

static UpdateRequest set(std::vector<std::pair<std::string, std::string>> kv) {
  UpdateRequest r;
  r.set = std::move(kv);
  return r;
}

TEST_CASE("parameter validation") {
  CHECK_THROWS_WITH(apply_update(base(), {}, false), "no options specified");
  UpdateRequest both = set({{"name", "x"}});
  both.del = {"name"};
  CHECK_THROWS_WITH(apply_update(base(), both, false),
                    "delete: you can't use '-name' and -delete name' at the same time");
  UpdateRequest unknown;
  unknown.del = {"foo"};
  CHECK_THROWS_WITH(apply_update(base(), unknown, false), "delete: unknown option 'foo'");
  CHECK_THROWS_WITH(apply_update(base(), set({{"memory", "8"}}), false),
                    "memory: invalid format - format error\nmemory.current: value must have a minimum value of 16");
  CHECK_THROWS_WITH(apply_update(base(), set({{"bogus", "1"}}), false),
                    "bogus: property is not defined in schema and the schema does not allow additional properties");
}

TEST_CASE("balloon must not exceed memory (pending memory counts)") {
  CHECK_THROWS_WITH(apply_update(base(), set({{"balloon", "4096"}}), false),
                    "balloon value too large (must be smaller than assigned memory)");
  ConfigFile c = base();
  c.pending["memory"] = "8192";
  CHECK_NOTHROW(apply_update(c, set({{"balloon", "4096"}}), true));
  CHECK_THROWS_WITH(apply_update(base(), set({{"memory", "1024"}, {"balloon", "2048"}}), false),
                    "balloon value too large (must be smaller than assigned memory)");
}

TEST_CASE("stopped VM: everything applied at once") {
  auto out = apply_update(base(), set({{"cores", "4"}, {"bios", "ovmf"}, {"cdrom", "local:iso/a.iso,media=cdrom"}}), false);
  CHECK(out.conf.main.at("cores") == "4");
  CHECK(out.conf.main.at("bios") == "ovmf");
  CHECK(out.conf.main.at("ide2") == "local:iso/a.iso,media=cdrom");
  CHECK(out.conf.pending.empty());
}

TEST_CASE("running VM: fast-plug and hotplug keys applied, the rest pending") {
  auto out = apply_update(base(), set({{"name", "new"}, {"cores", "4"}, {"net1", "e1000=BC:24:11:00:00:02"},
                                       {"bios", "ovmf"}, {"tags", "a;b"}}),
                          true);
  CHECK(out.conf.main.at("name") == "new");
  CHECK(out.conf.main.at("tags") == "a;b");
  CHECK(out.conf.main.at("net1") == "e1000=BC:24:11:00:00:02");
  CHECK(out.conf.pending == Section{{"bios", "ovmf"}, {"cores", "4"}});
  CHECK(format_pending(out.conf) ==
        "new bios: ovmf\ncur boot: order=scsi0;ide2;net0\ncur cores: 1\nnew cores: 4\n"
        "cur ide2: none,media=cdrom\ncur memory: 2048\ncur name: new\ncur net0: virtio=BC:24:11:00:00:01,bridge=vmbr0\n"
        "cur net1: e1000=BC:24:11:00:00:02\ncur scsi0: local:100/vm-100-disk-0.qcow2,size=4G\ncur tags: a;b\n"
        "cur unused0: local:100/vm-100-disk-9.qcow2\n");
  // hotplug=0: a NIC stays pending
  ConfigFile c = base();
  c.main["hotplug"] = "0";
  auto o2 = apply_update(c, set({{"net1", "e1000=BC:24:11:00:00:02"}, {"memory", "4096"}}), true);
  CHECK(o2.conf.pending.count("net1") == 1);
  CHECK(o2.conf.pending.count("memory") == 1);
}

TEST_CASE("delete: pending delete while running, unusedN freed at once, drives become unused") {
  UpdateRequest r;
  r.del = {"cores", "unused0", "scsi0", "agent"};
  auto out = apply_update(base(), r, true);
  CHECK(out.warnings == std::vector<std::string>{"cannot delete 'agent' - not set in current configuration!"});
  CHECK(out.volumes_to_free == std::vector<std::string>{"local:100/vm-100-disk-9.qcow2"});
  // scsi0 is hot-unplugged (disk hotplug), its volume kept as unused; removed from boot order (pending)
  CHECK(out.conf.main.count("scsi0") == 0);
  CHECK(out.conf.main.at("unused0") == "local:100/vm-100-disk-0.qcow2");
  CHECK(out.conf.pending.at("boot") == "order=ide2;net0");
  CHECK(out.conf.pending.at("delete") == "cores");
  CHECK(format_pending(out.conf).find("del cores: 1\n") != std::string::npos);

  UpdateRequest forced;
  forced.del = {"scsi0"};
  forced.force = true;
  auto o2 = apply_update(base(), forced, false);
  CHECK(o2.volumes_to_free == std::vector<std::string>{"local:100/vm-100-disk-0.qcow2"});
  CHECK(o2.conf.main.at("unused0") == "local:100/vm-100-disk-9.qcow2");
  CHECK(o2.conf.main.count("unused1") == 0);
}

TEST_CASE("protection blocks removing disks") {
  ConfigFile c = base();
  c.main["protection"] = "1";
  UpdateRequest r;
  r.del = {"unused0"};
  CHECK_THROWS_WITH(apply_update(c, r, false),
                    "can't remove unused disk 'local:100/vm-100-disk-9.qcow2' - protection mode enabled");
}

TEST_CASE("revert drops pending values and deletes, cleanup drops no-op pending values") {
  ConfigFile c = base();
  c.pending = {{"cores", "8"}, {"delete", "name"}};
  UpdateRequest r;
  r.revert = {"cores", "name"};
  auto out = apply_update(c, r, true);
  CHECK(out.conf.pending.empty());
  auto same = apply_update(base(), set({{"cores", "1"}}), true);
  CHECK(same.conf.pending.empty());
  ConfigFile stale = base();
  stale.pending = {{"delete", "agent,!scsi5"}};
  cleanup_pending(stale);
  CHECK(stale.pending.empty());
}

TEST_CASE("replacing a pending drive keeps the old volume as unusedN") {
  ConfigFile c = base();
  c.pending["scsi1"] = "local:100/vm-100-disk-1.qcow2,size=1G";
  auto out = apply_update(c, set({{"scsi1", "local:100/vm-100-disk-2.qcow2,size=2G"}}), false);
  CHECK(out.conf.main.at("scsi1") == "local:100/vm-100-disk-2.qcow2,size=2G");
  CHECK(out.conf.main.at("unused1") == "local:100/vm-100-disk-1.qcow2");
}

TEST_CASE("boot order must reference existing devices") {
  CHECK_THROWS_WITH(apply_update(base(), set({{"boot", "order=scsi5"}}), false),
                    "invalid bootorder: device 'scsi5' does not exist'");
  auto out = apply_update(base(), set({{"boot", "order=net0;scsi0"}}), false);
  CHECK(out.conf.main.at("boot") == "order=net0;scsi0");
}

TEST_CASE("apply_pending and effective_config") {
  ConfigFile c = base();
  c.pending = {{"cores", "2"}, {"delete", "name"}, {"description", ""}};
  Section eff = effective_config(c, false);
  CHECK(eff.at("cores") == "2");
  CHECK(eff.count("name") == 0);
  CHECK(effective_config(c, true).at("cores") == "1");
  ConfigFile applied = apply_pending(c);
  CHECK(applied.pending.empty());
  CHECK(applied.main.at("cores") == "2");
  CHECK(applied.main.count("name") == 0);
  CHECK(format_config({{"description", "a\nb:c"}, {"cores", "2"}}) == "cores: 2\ndescription: a%0Ab%3Ac\n");
}
