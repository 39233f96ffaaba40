// The pure rules of clone, template and resize (no processes, no images).
#include <catch2/catch.hpp>

#include "service/commands/clone/clone_plan.h"
#include "service/commands/drive_names.h"
#include "service/commands/disk/resize_size.h"
#include "service/commands/clone/template_rules.h"

using namespace qmd;
using namespace qmd::service;

namespace {

Generators counting_generators() {
  auto n = std::make_shared<int>(0);
  Generators g;
  g.uuid = [n] { return "00000000-0000-4000-8000-00000000000" + std::to_string((*n)++); };
  g.mac = [n] { return "BC:24:11:00:00:0" + std::to_string((*n)++); };
  g.now_s = [] { return int64_t{1700000000}; };
  return g;
}

storage::StorageConfig storages() {
  return storage::parse_storage_cfg(
      "dir: local\n\tpath /srv/local\n\tcontent images,iso\n\n"
      "dir: nfs\n\tpath /srv/nfs\n\tcontent images,iso\n\tshared 1\n",
      "/srv/local");
}

projections::VmState template_vm() {
  projections::VmState s;
  s.vmid = 100;
  s.exists = true;
  s.version = 7;
  s.conf.main = {
      {"name", "tmpl"},
      {"memory", "2048"},
      {"template", "1"},
      {"net0", "virtio=BC:24:11:AA:AA:AA,bridge=vmbr0,firewall=1"},
      {"net1", "e1000=BC:24:11:BB:BB:BB"},
      {"ide2", "local:iso/debian.iso,media=cdrom"},
      {"scsi0", "local:100/base-100-disk-0.qcow2,cache=writeback,format=qcow2,size=1G"},
      {"unused0", "local:100/vm-100-disk-1.qcow2"},
      {"smbios1", "base64=1,manufacturer=QUNNRQ==,uuid=11111111-2222-4333-8444-555555555555"},
      {"vmgenid", "66666666-7777-4888-9999-aaaaaaaaaaaa"},
      {"description", "the base"},
  };
  s.conf.pending = {{"memory", "4096"}, {"delete", "net1"}};
  return s;
}

CloneParams params(int64_t vmid = 100, int64_t newid = 101) {
  CloneParams p;
  p.vmid = vmid;
  p.newid = newid;
  return p;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const CommandError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("plan of a template: linked by default, identities regenerated, excluded keys dropped", "[clone][plan]") {
  const ClonePlan plan = plan_clone(template_vm(), params(), false, storages(), counting_generators());
  CHECK_FALSE(plan.full);
  const config::Section expected = {
      {"name", "Copy-of-VM-tmpl"},
      {"memory", "2048"},
      {"net0", "virtio=BC:24:11:00:00:00,bridge=vmbr0,firewall=1"},
      {"net1", "e1000=BC:24:11:00:00:01"},
      {"ide2", "local:iso/debian.iso,media=cdrom"},
      {"smbios1", "base64=1,manufacturer=QUNNRQ==,uuid=00000000-0000-4000-8000-000000000002"},
      {"vmgenid", "00000000-0000-4000-8000-000000000003"},
      {"description", "the base"},
      {"lock", "clone"},
  };
  CHECK(plan.conf.main == expected);
  CHECK(plan.conf.pending.empty());
  CHECK(plan.conf.snapshots.empty());
  CHECK(plan.pending_keys == std::vector<std::string>{"delete", "memory"});
  REQUIRE(plan.disks.size() == 1);
  CHECK(plan.disks[0].key == "scsi0");
  CHECK(plan.disks[0].volid == "local:100/base-100-disk-0.qcow2");
  CHECK_FALSE(plan.disks[0].full);
}

TEST_CASE("plan: --name, --description, --full and a VM without smbios1 or vmgenid", "[clone][plan]") {
  auto s = template_vm();
  s.conf.main.erase("smbios1");
  s.conf.main["vmgenid"] = "0";
  auto p = params();
  p.name = "web2";
  p.description = "copy";
  p.full = true;
  const ClonePlan plan = plan_clone(s, p, false, storages(), counting_generators());
  CHECK(plan.full);
  CHECK(plan.conf.main.at("name") == "web2");
  CHECK(plan.conf.main.at("description") == "copy");
  CHECK(plan.conf.main.at("smbios1") == "uuid=00000000-0000-4000-8000-000000000002");
  CHECK(plan.conf.main.at("vmgenid") == "0");  // only a set vmgenid is regenerated
  REQUIRE(plan.disks.size() == 1);
  CHECK(plan.disks[0].full);
}

TEST_CASE("plan: default name falls back to the vmid, full is the default for normal VMs", "[clone][plan]") {
  projections::VmState s;
  s.vmid = 200;
  s.exists = true;
  s.conf.main = {{"scsi0", "local:200/vm-200-disk-0.raw,size=4G"}, {"tpmstate0", "local:200/vm-200-disk-1.raw,size=4M,version=v2.0"}};
  const ClonePlan plan = plan_clone(s, params(200, 201), false, storages(), counting_generators());
  CHECK(plan.full);
  CHECK(plan.conf.main.at("name") == "Copy-of-VM-200");
  REQUIRE(plan.disks.size() == 2);
  CHECK(plan.disks[0].key == "scsi0");
  CHECK(plan.disks[1].key == "tpmstate0");
}

TEST_CASE("plan from a snapshot uses the snapshot section without its bookkeeping", "[clone][plan]") {
  auto s = template_vm();
  s.conf.main.erase("template");
  s.conf.snapshots["before"] = {{"name", "old"},
                                {"memory", "512"},
                                {"snaptime", "1700000000"},
                                {"parent", "first"},
                                {"vmstate", "local:100/vm-100-state-before.raw"},
                                {"runningmachine", "pc-i440fx-7.2+pve0"},
                                {"runningcpu", "kvm64"},
                                {"scsi0", "local:100/vm-100-disk-0.qcow2,size=1G"}};
  auto p = params();
  p.snapname = "before";
  const ClonePlan plan = plan_clone(s, p, false, storages(), counting_generators());
  CHECK(plan.conf.main == config::Section{{"name", "Copy-of-VM-old"},
                                          {"memory", "512"},
                                          {"smbios1", "uuid=00000000-0000-4000-8000-000000000000"},
                                          {"lock", "clone"}});
  CHECK(plan.pending_keys.empty());
  REQUIRE(plan.disks.size() == 1);
  CHECK(plan.disks[0].full);
}

TEST_CASE("plan refusals carry Proxmox's messages", "[clone][plan][errors]") {
  const auto st = storages();
  const auto g = counting_generators();
  auto s = template_vm();

  auto locked = s;
  locked.conf.main["lock"] = "backup";
  CHECK(error_of([&] { plan_clone(locked, params(), false, st, g); }) == "VM is locked (backup)");

  auto p = params();
  p.snapname = "nope";
  CHECK(error_of([&] { plan_clone(s, p, false, st, g); }) == "snapshot 'nope' does not exist");

  p = params();
  p.storage = "local";
  CHECK(error_of([&] { plan_clone(s, p, false, st, g); }) == "parameter 'storage' not allowed for linked clones");
  p = params();
  p.format = "raw";
  CHECK(error_of([&] { plan_clone(s, p, false, st, g); }) == "parameter 'format' not allowed for linked clones");

  p = params();
  p.target = "pve2";
  CHECK(error_of([&] { plan_clone(s, p, false, st, g); }) == "can't clone VM to node 'pve2' (VM uses local storage)");

  CHECK(error_of([&] { plan_clone(s, params(), true, st, g); }) ==
        "unable to create VM 101: config file already exists");

  auto normal = s;
  normal.conf.main.erase("template");
  normal.conf.main["scsi0"] = "local:100/vm-100-disk-0.qcow2,size=1G";
  p = params();
  p.full = false;
  CHECK(error_of([&] { plan_clone(normal, p, false, st, g); }) ==
        "Linked clone feature is not supported for 'local:100/vm-100-disk-0.qcow2' (scsi0)");

  auto host = normal;
  host.conf.main["scsi0"] = "/dev/sdb";
  CHECK(error_of([&] { plan_clone(host, params(), false, st, g); }) ==
        "Full clone feature is not supported for drive 'scsi0'");

  auto running = s;
  running.status = "running";
  CHECK(error_of([&] { plan_clone(running, params(), false, st, g); }) ==
        "cloning a running VM needs the qmd service, which is not available yet");
}

TEST_CASE("plan: --target is allowed when every drive is on shared storage", "[clone][plan]") {
  projections::VmState s;
  s.vmid = 300;
  s.exists = true;
  s.conf.main = {{"scsi0", "nfs:300/vm-300-disk-0.qcow2,size=1G"}, {"ide2", "none,media=cdrom"}};
  auto p = params(300, 301);
  p.target = "pve2";
  CHECK_NOTHROW(plan_clone(s, p, false, storages(), counting_generators()));
  s.conf.main["ide2"] = "cdrom,media=cdrom";  // the host's drive cannot follow
  CHECK(error_of([&] { plan_clone(s, p, false, storages(), counting_generators()); }) ==
        "can't clone VM to node 'pve2' (VM uses local storage)");
  s.conf.main["ide2"] = "local:iso/x.iso,media=cdrom";
  CHECK(error_of([&] { plan_clone(s, p, false, storages(), counting_generators()); }) ==
        "can't clone VM to node 'pve2' (VM uses local storage)");
}

TEST_CASE("clone storage checks", "[clone][plan][errors]") {
  auto p = params();
  p.storage = "nope";
  CHECK(error_of([&] { check_clone_storage(p, storages()); }) == "storage 'nope' does not exist");
  p.storage = "local";
  CHECK_NOTHROW(check_clone_storage(p, storages()));
  p.target = "pve2";
  CHECK(error_of([&] { check_clone_storage(p, storages()); }) == "can't clone to non-shared storage 'local'");
  p.storage = "nfs";
  CHECK_NOTHROW(check_clone_storage(p, storages()));
}

TEST_CASE("cloned drive value drops format and sets size for full clones", "[clone][plan]") {
  const config::PropMap d = {{"file", "local:100/base-100-disk-0.qcow2"}, {"format", "qcow2"},
                             {"cache", "writeback"}, {"size", "1073741824"}};
  CHECK(cloned_drive_value(d, "local:101/vm-101-disk-0.raw", uint64_t{2147483648}) ==
        "local:101/vm-101-disk-0.raw,cache=writeback,size=2G");
  CHECK(cloned_drive_value(d, "local:100/base-100-disk-0.qcow2/101/vm-101-disk-0.qcow2", std::nullopt) ==
        "local:100/base-100-disk-0.qcow2/101/vm-101-disk-0.qcow2,cache=writeback,size=1G");
}

TEST_CASE("progress lines as Proxmox prints them", "[clone][plan]") {
  CHECK(render_bytes(0, 1) == "0.0 B");
  CHECK(render_bytes(1023, 1) == "1023.0 B");
  CHECK(render_bytes(1536, 1) == "1.5 KiB");
  CHECK(render_bytes(uint64_t{1} << 30, 1) == "1.0 GiB");
  CHECK(render_bytes(uint64_t{1} << 30, 2) == "1.00 GiB");
  CHECK(transfer_line(uint64_t{1} << 30, 25.0) == "transferred 256.0 MiB of 1.0 GiB (25.00%)");
  CHECK(transfer_line(uint64_t{1} << 30, 100.0) == "transferred 1.0 GiB of 1.0 GiB (100.00%)");
}

TEST_CASE("resize sizes: grow by, set to, units, bad text", "[resize][plan]") {
  CHECK(parse_size_request("+1G").relative);
  CHECK(parse_size_request("+1G").apply_to(1024) == (uint64_t{1} << 30) + 1024);
  CHECK(parse_size_request("2G").apply_to(1024) == uint64_t{2} << 30);
  CHECK(parse_size_request("1.5K").apply_to(0) == 1536);
  CHECK(parse_size_request("+0.5M").apply_to(1) == 524289);
  CHECK(parse_size_request("4096").apply_to(0) == 4096);
  CHECK(parse_size_request("1T").apply_to(0) == uint64_t{1} << 40);
  for (const char* bad : {"", "-1G", "1g", "1GB", "G", "+", "1.G", "abc"}) {
    INFO(bad);
    CHECK(error_of([&] { parse_size_request(bad); }) ==
          "400 Parameter verification failed.\nsize: value does not match the regex pattern");
  }
  CHECK(error_of([&] { parse_size_request("99999999999T").apply_to(0); }) ==
        "400 Parameter verification failed.\nsize: value is too large");
}

TEST_CASE("drive names in Proxmox order and the disk enumeration error", "[resize][plan]") {
  const auto& n = drive_names();
  REQUIRE(n.size() == 4 + 31 + 16 + 6 + 2);
  CHECK(n.front() == "ide0");
  CHECK(n[4] == "scsi0");
  CHECK(n[35] == "virtio0");
  CHECK(n[51] == "sata0");
  CHECK(n.back() == "tpmstate0");
  CHECK_NOTHROW(check_drive_name("disk", "virtio15"));
  const std::string e = error_of([] { check_drive_name("disk", "unused0"); });
  CHECK(e.starts_with("400 Parameter verification failed.\ndisk: value 'unused0' does not have a value in the "
                      "enumeration 'ide0, ide1, ide2, ide3, scsi0, "));
  CHECK(e.ends_with(", sata5, efidisk0, tpmstate0'"));
}

TEST_CASE("template refusals in Proxmox's order", "[template][plan][errors]") {
  projections::VmState s;
  s.vmid = 100;
  s.exists = true;
  CHECK_NOTHROW(check_template_allowed(s, false));
  auto running = s;
  running.status = "running";
  CHECK(error_of([&] { check_template_allowed(running, false); }) ==
        "you can't convert a VM to template if VM is running");
  auto tmpl = s;
  tmpl.conf.main["template"] = "1";
  CHECK(error_of([&] { check_template_allowed(tmpl, false); }) == "you can't convert a template to a template");
  CHECK_NOTHROW(check_template_allowed(tmpl, true));
  auto snap = tmpl;
  snap.conf.snapshots["s1"] = {};
  CHECK(error_of([&] { check_template_allowed(snap, true); }) ==
        "unable to create template, because VM contains snapshots");
  snap.conf.main["lock"] = "backup";
  CHECK(error_of([&] { check_template_allowed(snap, true); }) == "VM is locked (backup)");
}
