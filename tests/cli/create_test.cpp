#include <catch2/catch.hpp>

#include "tests/cli/qm_fixture.h"

using namespace qmd::testing;

TEST_CASE("create writes the Proxmox file with the create defaults", "[cli][create]") {
  Qm qm;
  auto r = qm({"create", "100", "-name", "web", "-memory", "2048", "-net0",
               "virtio=BC:24:11:00:00:01,bridge=vmbr0", "-smbios1", "uuid=6a5d8d1e-ec3f-45d1-b851-4065472c7971",
               "-vmgenid", "6dfe8b25-e2f8-4964-9fb0-d8d3371b3a13", "-onboot", "yes"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(mask_ctime(qm.conf(100)) ==
        "boot: order=net0\n"
        "memory: 2048\n"
        "meta: creation-qemu=7.2.0,ctime=T\n"
        "name: web\n"
        "net0: virtio=BC:24:11:00:00:01,bridge=vmbr0\n"
        "onboot: 1\n"
        "smbios1: uuid=6a5d8d1e-ec3f-45d1-b851-4065472c7971\n"
        "vmgenid: 6dfe8b25-e2f8-4964-9fb0-d8d3371b3a13\n");
}

TEST_CASE("create generates MAC, smbios1 uuid and vmgenid", "[cli][create]") {
  Qm qm;
  REQUIRE(qm({"create", "101", "--net0", "e1000"}).exit_code == 0);
  const std::string c = qm.conf(101);
  CHECK(std::regex_search(c, std::regex("\nnet0: e1000=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}\n")));
  CHECK(std::regex_search(c, std::regex("\nsmbios1: uuid=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n")));
  CHECK(std::regex_search(c, std::regex("\nvmgenid: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n")));
  CHECK(c.starts_with("boot: order=net0\n"));
}

TEST_CASE("create allocates a qcow2 disk on local and records the steps", "[cli][create]") {
  Qm qm;
  auto r = qm({"create", "102", "-scsi0", "local:1", "-scsihw", "virtio-scsi-pci"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(std::regex_search(qm.conf(102), std::regex("\nscsi0: local:102/vm-102-disk-0.qcow2,size=1G\n")));
  CHECK(file_exists(qm.dir() + "/images/102/vm-102-disk-0.qcow2"));
  auto h = qm({"history", "102"});
  CHECK(h.out.find("vm.operation.started") != std::string::npos);
  CHECK(h.out.find("allocated local:102/vm-102-disk-0.qcow2 for scsi0") != std::string::npos);
  CHECK(h.out.find("vm.operation.completed") != std::string::npos);
  CHECK(qm.conf(102).find("lock:") == std::string::npos);
}

TEST_CASE("the seed example: qm create 300 -ide0 4 -net0 e1000 -cdrom <iso>", "[cli][create]") {
  Qm qm;
  write_file(qm.dir() + "/template/iso/proxmox-mailgateway_2.1.iso", "iso");
  auto r = qm({"create", "300", "-ide0", "4", "-net0", "e1000", "-cdrom", "proxmox-mailgateway_2.1.iso"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string c = qm.conf(300);
  CHECK(c.starts_with("boot: order=ide0;ide2;net0\n"));
  CHECK(c.find("\nide0: local:300/vm-300-disk-0.qcow2,size=4G\n") != std::string::npos);
  CHECK(c.find("\nide2: local:iso/proxmox-mailgateway_2.1.iso,media=cdrom\n") != std::string::npos);
}

TEST_CASE("create refuses bad input and appends nothing", "[cli][create][errors]") {
  Qm qm;
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"create", "99"}, "400 Parameter verification failed.\nvmid: value must have a minimum value of 100\n"},
      {{"create", "abc"}, "400 Parameter verification failed.\nvmid: type check ('integer') failed - got 'abc'\n"},
      {{"create", "100", "-memory", "8"},
       "400 Parameter verification failed.\nmemory: invalid format - format error\nmemory.current: value must have a minimum value of 16\n"},
      {{"create", "100", "-onboot", "maybe"}, "400 Parameter verification failed.\nonboot: type check ('boolean') failed - got 'maybe'\n"},
      {{"create", "100", "-cdrom", "missing.iso"}, "volume 'local:iso/missing.iso' does not exist\n"},
      {{"create", "100", "-memory", "1024", "-balloon", "2048"},
       "balloon value too large (must be smaller than assigned memory)\n"},
  };
  for (const auto& c : cases) {
    auto r = qm(c.args);
    INFO((c.args[1] + " " + (c.args.size() > 2 ? c.args[2] : "")));
    CHECK(r.exit_code == 255);
    CHECK(r.err == c.err);
  }
  auto unknown = qm({"create", "100", "-colour", "blue"});
  CHECK(unknown.exit_code == 255);
  CHECK(unknown.err.starts_with("Unknown option: colour\n400 unable to parse option\n"));
  CHECK(qm.event_count() == 0);
  CHECK_FALSE(file_exists(qm.conf_path(100)));
}

TEST_CASE("create refuses an existing VMID", "[cli][create][errors]") {
  Qm qm;
  REQUIRE(qm({"create", "100"}).exit_code == 0);
  auto r = qm({"create", "100", "-memory", "1024"});
  CHECK(r.exit_code == 255);
  CHECK(r.err == "unable to create VM 100: config file already exists\n");
  CHECK(qm.event_count() == 1);
}
