// Clone, template and destroy of a VM with a cloud-init drive, as Proxmox:
// the clone gets an empty cloud-init volume of its own (never a copy of the
// source's seed), its seed is its own, destroy frees the volume.
#include "tests/clone/clone_fixture.h"

using namespace qmd::testing;

namespace {

// VM 100: a template with a disk, a NIC and a cloud-init drive whose seed was written.
void make_ci_template(const Qm& qm) {
  qm_ok(qm, {"create", "100", "--name", "tmpl", "--scsi0", "local:1", "--net0", "virtio,bridge=vmbr0", "--ide2",
             "local:cloudinit", "--ciuser", "alice", "--ipconfig0", "ip=dhcp"});
  qm_ok(qm, {"cloudinit", "update", "100"});
  qm_ok(qm, {"template", "100"});
}

// The file `iso_path` of the ISO inside a qcow2/raw cloud-init volume, read with isoinfo.
RunResult iso_file(const Qm& qm, const std::string& image, const std::string& iso_path) {
  const std::string raw = qm.dir() + "/iso.raw";
  const auto c = run({"/usr/bin/qemu-img", "convert", "-O", "raw", image, raw});
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  auto r = run({"/usr/bin/isoinfo", "-J", "-x", iso_path, "-i", raw});
  std::filesystem::remove(raw);
  return r;
}

}  // namespace

TEST_CASE("clone of a template with a cloud-init drive: a new empty volume, its own seed, freed by destroy",
          "[clone][cli][cloudinit]") {
  Qm qm;
  make_ci_template(qm);
  const std::string tmpl_ci = qm.dir() + "/images/100/vm-100-cloudinit.qcow2";
  // The template keeps its cloud-init volume as it is: a CD-ROM is no base image.
  CHECK(conf_value(qm.conf(100), "ide2") == "local:100/vm-100-cloudinit.qcow2,media=cdrom");
  REQUIRE(file_exists(tmpl_ci));
  const std::string tmpl_meta = qm({"cloudinit", "dump", "100", "meta"}).out;
  REQUIRE(iso_file(qm, tmpl_ci, "/meta-data").out + "\n" == tmpl_meta);

  SECTION("linked clone") {
    auto r = qm_ok(qm, {"clone", "100", "101", "--name", "web1"});
    CHECK(r.out ==
          "create full clone of drive ide2 (local:100/vm-100-cloudinit.qcow2)\n"
          "create linked clone of drive scsi0 (local:100/base-100-disk-0.qcow2)\n");
    CHECK(r.err.empty());
    const std::string c = qm.conf(101);
    CHECK(conf_value(c, "ide2") == "local:101/vm-101-cloudinit.qcow2,media=cdrom,size=4M");
    CHECK(conf_value(c, "scsi0") == "local:100/base-100-disk-0.qcow2/101/vm-101-disk-0.qcow2,size=1G");
    CHECK(images_of(qm, 101) == std::vector<std::string>{"vm-101-cloudinit.qcow2", "vm-101-disk-0.qcow2"});
    const std::string clone_ci = qm.dir() + "/images/101/vm-101-cloudinit.qcow2";
    // Not a copy: the new volume is 4 MiB of zeros until the clone's seed is written.
    CHECK(reads_pattern("qcow2", clone_ci, "0x00", "0", "4M"));
    CHECK_FALSE(reads_pattern("qcow2", tmpl_ci, "0x00", "0", "4M"));
    CHECK(qm({"history", "101"}).out.find("full clone of ide2: local:101/vm-101-cloudinit.qcow2") !=
          std::string::npos);

    // Its seed is its own: its name, its new MAC, so another instance-id.
    const std::string meta = qm({"cloudinit", "dump", "101", "meta"}).out;
    CHECK(meta != tmpl_meta);
    CHECK(qm({"cloudinit", "dump", "101", "user"}).out.find("\nhostname: web1\n") != std::string::npos);
    auto up = qm_ok(qm, {"cloudinit", "update", "101"});
    CHECK(up.out == "generating cloud-init ISO\n");
    CHECK(iso_file(qm, clone_ci, "/meta-data").out + "\n" == meta);
    CHECK(iso_file(qm, tmpl_ci, "/meta-data").out + "\n" == tmpl_meta);  // the template's is untouched

    auto d = qm_ok(qm, {"destroy", "101"});
    CHECK_FALSE(file_exists(clone_ci));
    CHECK_FALSE(dir_exists(qm.dir() + "/images/101"));
    CHECK(file_exists(tmpl_ci));
  }

  SECTION("full clone, to another format") {
    auto r = qm_ok(qm, {"clone", "100", "102", "--full", "--format", "raw"});
    CHECK(r.out ==
          "create full clone of drive ide2 (local:100/vm-100-cloudinit.qcow2)\n"
          "create full clone of drive scsi0 (local:100/base-100-disk-0.qcow2)\n");
    const std::string c = qm.conf(102);
    CHECK(conf_value(c, "ide2") == "local:102/vm-102-cloudinit.raw,media=cdrom,size=4M");
    const std::string clone_ci = qm.dir() + "/images/102/vm-102-cloudinit.raw";
    REQUIRE(file_exists(clone_ci));
    CHECK(std::filesystem::file_size(clone_ci) == 4u * 1024 * 1024);
    CHECK(reads_pattern("raw", clone_ci, "0x00", "0", "4M"));
    qm_ok(qm, {"cloudinit", "update", "102"});
    CHECK(iso_file(qm, clone_ci, "/meta-data").out + "\n" == qm({"cloudinit", "dump", "102", "meta"}).out);

    qm_ok(qm, {"destroy", "102"});
    CHECK_FALSE(dir_exists(qm.dir() + "/images/102"));
  }

  SECTION("destroy of the template frees its cloud-init volume") {
    qm_ok(qm, {"destroy", "100"});
    CHECK_FALSE(file_exists(tmpl_ci));
    CHECK_FALSE(dir_exists(qm.dir() + "/images/100"));
  }
}
