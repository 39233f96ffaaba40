// Reader (spec §2.1) and writer (§2.3, §2.2 digest).
#include <catch2/catch.hpp>

#include "config/config_error.h"
#include "config/reader.h"
#include "config/schema.h"
#include "config/writer.h"

using namespace qmd::config;

static std::string strict_error(const std::string& text) {
  try {
    parse_config(text, 8006, true);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no error>";
}


TEST_CASE("canonical file round-trips byte for byte") {
  std::string text =
      "#first line\n#second%3A line\nboot: order=scsi0\ncores: 2\nmemory: 4096\n"
      "net0: virtio=BC:24:11:2C:69:EC,bridge=vmbr0,firewall=1\nscsi0: local:100/vm-100-disk-0.qcow2,size=4G\n"
      "\n[PENDING]\n#\nbios: ovmf\ndelete: numa\n"
      "\n[special:fleecing]\nfleecing-images: zfs:vm-120-fleece-0\n"
      "\n[snap1]\ncores: 1\nsnapstate: prepare\nsnaptime: 1700000000\n";
  auto r = parse_config(text, 100, true);
  CHECK(r.warnings.empty());
  CHECK(r.conf.main.at("description") == "first line\nsecond: line");
  CHECK(r.conf.pending.at("description").empty());
  CHECK(r.conf.pending.at("delete") == "numa");
  CHECK(r.conf.snapshots.at("snap1").at("snapstate") == "prepare");
  CHECK(write_config(r.conf) == text);
}

TEST_CASE("values are canonicalised on read and write") {
  auto r = parse_config("numa: yes\ncores: 007\nacpi: OFF\ncdrom: local:iso/a.iso,media=cdrom\nostype: \"l26\"\n"
                        "scsi0: size=4096M,file=local:1/a.raw,backup=no\n",
                        8006, true);
  CHECK(r.conf.main.at("numa") == "1");
  CHECK(r.conf.main.at("cores") == "7");
  CHECK(r.conf.main.at("acpi") == "0");
  CHECK(r.conf.main.at("ide2") == "local:iso/a.iso,media=cdrom");
  CHECK(r.conf.main.count("cdrom") == 0);
  CHECK(r.conf.main.at("ostype") == "l26");
  CHECK(r.conf.main.at("scsi0") == "local:1/a.raw,backup=0,size=4G");
}

TEST_CASE("strict errors carry the exact Proxmox text, non-strict warns the same") {
  CHECK(strict_error("[PENDING]\nname: a\n[PENDING]\n") == "vm 8006 - duplicate section: pending");
  CHECK(strict_error("[special:cloudinit]\n[special:cloudinit]\n") == "vm 8006 - duplicate special section: cloudinit");
  CHECK(strict_error("[s1]\n[s1]\n") == "vm 8006 - duplicate snapshot section: s1");
  CHECK(strict_error("[special:foo]\n") == "vm 8006 - skipping unknown section: 'special:foo'");
  CHECK(strict_error("[:3]\n") == "vm 8006 - skipping unknown section: ':3'");
  CHECK(strict_error("numa: maybe\n") ==
        "vm 8006 - unable to parse value of 'numa' - type check ('boolean') failed - got 'maybe'");
  CHECK(strict_error("cores: -1\n") ==
        "vm 8006 - unable to parse value of 'cores' - type check ('integer') failed - got '-1'");
  CHECK(strict_error("foo: bar\n") == "vm 8006 - unable to parse value of 'foo' - unknown setting 'foo'");
  CHECK(strict_error("delete: net0\n") == "vm 8006 - property 'delete' is only allowed in [PENDING]");
  CHECK(strict_error("Name: x\n") == "vm 8006 - unable to parse config: Name: x");
  CHECK(strict_error("vga: std,memory=1\n") ==
        "vm 8006 - unable to parse value of 'vga' - format error\nmemory: value must have a minimum value of 4");
  CHECK(strict_error("scsi0: local:1/a.raw,mbps=1,mbps_rd=1\n") == "vm 8006 - unable to parse value of 'scsi0'");
  CHECK(strict_error("[special:fleecing]\nname: x\n") == "vm 8006 - unable to parse value of 'name' - unknown setting 'name'");

  auto r = parse_config("name: ok\nnuma: maybe\n[x]\n[PENDING]\n[PENDING]\nbios: ovmf\n", 8006, false);
  // "[x]" is not a snapshot header: names need two characters.
  REQUIRE(r.warnings.size() == 3);
  CHECK(r.warnings[0] == "vm 8006 - unable to parse value of 'numa' - type check ('boolean') failed - got 'maybe'");
  CHECK(r.warnings[1] == "vm 8006 - skipping unknown section: 'x'");
  CHECK(r.warnings[2] == "vm 8006 - duplicate section: pending");
  CHECK(r.conf.main.count("numa") == 0);
  CHECK(r.conf.pending.at("bios") == "ovmf");
  CHECK(r.conf.snapshots.empty());
}

TEST_CASE("unknown sections are skipped entirely, special:cloudinit is stored unchecked") {
  auto r = parse_config("name: a\n[special:nope]\nname: b\n#c\n[special:cloudinit]\nname: -bad name-\n", 8006, false);
  CHECK(r.conf.main.at("name") == "a");
  CHECK(r.conf.main.count("description") == 0);
  CHECK(r.conf.special.at("cloudinit").at("name") == "-bad name-");
}

TEST_CASE("description lines and description: key accumulate per section") {
  auto r = parse_config("#a\ndescription: b%3Ac\ncores: 1\n#d  \n\n[s1]\n#snap note\n", 8006, true);
  CHECK(r.conf.main.at("description") == "a\nb:cd");
  CHECK(r.conf.snapshots.at("s1").at("description") == "snap note");
}

TEST_CASE("snapstate is dropped from main, kept in snapshots") {
  auto r = parse_config("snapstate: delete\ncores: 1\n[s1]\nsnapstate: delete\n", 8006, true);
  CHECK(r.conf.main.count("snapstate") == 0);
  CHECK(r.conf.snapshots.at("s1").at("snapstate") == "delete");
}

TEST_CASE("writer rules: smp, cdrom, unused re-use, cloudinit section, errors") {
  ConfigFile c;
  c.main = {{"smp", "4"}, {"cores", "2"}, {"scsi0", "local:1/a.raw"}, {"unused0", "local:1/a.raw"},
            {"unused1", "local:1/b.raw"}, {"kvm", "off"}};
  c.special["cloudinit"] = {{"name", "x"}};
  c.special["fleecing"] = {{"fleecing-images", "a:b"}};
  CHECK(write_config(c) ==
        "kvm: 0\nscsi0: local:1/a.raw\nsockets: 4\nunused1: local:1/b.raw\n\n[special:fleecing]\nfleecing-images: a:b\n");
  c.main["ide2"] = "lvm:vm-1-cloudinit,media=cdrom";
  CHECK(write_config(c).find("[special:cloudinit]\nname: x\n") != std::string::npos);

  ConfigFile both;
  both.main = {{"cdrom", "none,media=cdrom"}, {"ide2", "none,media=cdrom"}};
  CHECK_THROWS_WITH(write_config(both), "option ide2 conflicts with cdrom");
  ConfigFile bad;
  bad.main = {{"cores", "x"}};
  CHECK_THROWS_WITH(write_config(bad), "unable to parse value of 'cores' - type check ('integer') failed - got 'x'");
  ConfigFile del;
  del.main = {{"delete", "x"}};
  CHECK_THROWS_WITH(write_config(del), "propertry 'delete' is only allowed in [PENDING]");
  ConfigFile desc_only;
  desc_only.main = {{"description", "only"}};
  CHECK(write_config(desc_only) == "#only\n");
}

TEST_CASE("digest is the SHA-1 of the file bytes") {
  CHECK(config_digest("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(config_digest("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST_CASE("check_value applies API validation") {
  CHECK(check_value("memory", "2048") == "2048");
  CHECK_THROWS_WITH(check_value("memory", "8"),
                    "invalid format - format error\nmemory.current: value must have a minimum value of 16");
  CHECK_THROWS_WITH(check_value("cores", "0"), "value must have a minimum value of 1");
  CHECK_THROWS_WITH(check_value("numa", "x"), "type check ('boolean') failed - got 'x'");
  CHECK(check_value("numa", "yes") == "1");
  CHECK_THROWS_WITH(check_value("ostype", "dos"),
                    "value 'dos' does not have a value in the enumeration 'other, wxp, w2k, w2k3, w2k8, wvista, "
                    "win7, win8, win10, win11, l24, l26, solaris'");
  CHECK_THROWS_WITH(check_value("foo", "1"), "unknown setting 'foo'");
  CHECK_THROWS_WITH(check_value("name", "a b"), "invalid format - value does not look like a valid DNS name");
  CHECK_THROWS_WITH(check_value("cpulimit", "129"), "value must have a maximum value of 128");
  CHECK_THROWS_WITH(check_value("startdate", "yesterday"), "value does not match the regex pattern");
  CHECK(check_value("scsi0", "local-lvm:32,iothread=on") == "local-lvm:32,iothread=1");
  CHECK(check_value("net0", "bridge=vmbr0,virtio=BC:24:11:2C:69:EC") == "virtio=BC:24:11:2C:69:EC,bridge=vmbr0");
  CHECK_THROWS_WITH(check_value("virtio0", "local:iso/x.iso,media=cdrom"), "unable to parse drive options");
  CHECK(find_option("unused255") != nullptr);
  CHECK(find_option("unused256") == nullptr);
  CHECK(find_option("scsi30") != nullptr);
  CHECK(find_option("scsi31") == nullptr);
  CHECK(find_option("usb13") != nullptr);
  CHECK(find_option("net31") != nullptr);
  CHECK(find_option("net01") == nullptr);
}
