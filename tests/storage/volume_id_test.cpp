#include <catch2/catch.hpp>

#include "service/storage/features.h"
#include "service/storage/new_disk.h"
#include "service/storage/storage_error.h"
#include "service/storage/volume_id.h"

using namespace qmd::storage;

TEST_CASE("volume ids: images, base images, state volumes round trip") {
  const VolumeId v = parse_volume_id("local:100/vm-100-disk-0.qcow2");
  CHECK(v.storage == "local");
  CHECK(v.type == VolumeType::Images);
  CHECK(v.vmid == 100);
  CHECK(v.name == "vm-100-disk-0.qcow2");
  CHECK(v.format == "qcow2");
  CHECK_FALSE(v.is_base);
  CHECK_FALSE(v.is_linked_clone());
  CHECK(v.volname() == "100/vm-100-disk-0.qcow2");
  CHECK(volume_path(v, "/data") == "/data/images/100/vm-100-disk-0.qcow2");

  const VolumeId b = parse_volume_id("fast:100/base-100-disk-1.raw");
  CHECK(b.is_base);
  CHECK(b.format == "raw");
  CHECK(b.vmid == 100);

  const VolumeId s = parse_volume_id("local:100/vm-100-state-before.raw");
  CHECK(s.name == state_file_name(100, "before"));
  CHECK_FALSE(s.is_base);

  for (const char* id : {"local:100/vm-100-disk-0.qcow2", "fast:100/base-100-disk-1.raw",
                         "local:100/vm-100-state-before.raw", "nfs.1:999999999/vm-999999999-disk-12.vmdk",
                         "local:100/base-100-disk-0.qcow2/101/vm-101-disk-0.qcow2",
                         "local:iso/debian-12.iso", "local:iso/tools.IMG"})
    CHECK(parse_volume_id(id).to_string() == id);
}

TEST_CASE("volume ids: linked clones") {
  const VolumeId v = parse_volume_id("local:100/base-100-disk-0.qcow2/101/vm-101-disk-2.qcow2");
  CHECK(v.is_linked_clone());
  CHECK(v.base_vmid == 100);
  CHECK(v.base_name == "base-100-disk-0.qcow2");
  CHECK(v.vmid == 101);   // the owner is the clone
  CHECK(v.name == "vm-101-disk-2.qcow2");
  CHECK(v.format == "qcow2");
  CHECK_FALSE(v.is_base);
  CHECK(volume_path(v, "/d") == "/d/images/101/vm-101-disk-2.qcow2");
  const VolumeId base = parse_volume_id("local:100/base-100-disk-0.qcow2");
  CHECK(relative_backing_file(base) == "../100/base-100-disk-0.qcow2");
  CHECK(linked_clone_volume(base, 101, "vm-101-disk-2.qcow2") == v);
  CHECK(parse_relative_backing_file("../100/base-100-disk-0.qcow2") ==
        std::make_pair(100, std::string("base-100-disk-0.qcow2")));
  CHECK(parse_relative_backing_file("/abs/base-100-disk-0.qcow2") == std::nullopt);
  CHECK(parse_relative_backing_file("../100/notes.txt") == std::nullopt);
}

TEST_CASE("volume ids: ISO images") {
  const VolumeId v = parse_volume_id("local:iso/debian-12.5.0-amd64-netinst.iso");
  CHECK(v.type == VolumeType::Iso);
  CHECK(v.name == "debian-12.5.0-amd64-netinst.iso");
  CHECK(v.vmid == 0);
  CHECK(volume_path(v, "/data") == "/data/template/iso/debian-12.5.0-amd64-netinst.iso");
}

TEST_CASE("volume ids: malformed ids give Proxmox's messages") {
  CHECK_THROWS_WITH(parse_volume_id("vm-100-disk-0.qcow2"),
                    "unable to parse volume ID 'vm-100-disk-0.qcow2'");
  CHECK_THROWS_WITH(parse_volume_id("local:"), "unable to parse volume ID 'local:'");
  CHECK_THROWS_WITH(parse_volume_id("9x:100/vm-100-disk-0.raw"),
                    "unable to parse volume ID '9x:100/vm-100-disk-0.raw'");
  CHECK_THROWS_WITH(parse_volume_id("local:100/vm-100-disk-0.img"),
                    "unable to parse volume filename 'vm-100-disk-0.img'");
  CHECK_THROWS_WITH(parse_volume_id("local:backup/vzdump.vma"),
                    "unable to parse directory volume name 'backup/vzdump.vma'");
  CHECK_THROWS_WITH(parse_volume_id("local:0100/vm-100-disk-0.raw"),
                    "unable to parse directory volume name '0100/vm-100-disk-0.raw'");
  CHECK_THROWS_WITH(parse_volume_id("local:iso/readme.txt"),
                    "unable to parse directory volume name 'iso/readme.txt'");
  CHECK_THROWS_AS(parse_volume_id("local:100/vm 100.raw"), StorageError);
}

TEST_CASE("disk names and numbers") {
  CHECK(disk_file_name(100, 3, "raw") == "vm-100-disk-3.raw");
  CHECK(disk_file_name(100, 0, "qcow2", true) == "base-100-disk-0.qcow2");
  CHECK(disk_number("vm-100-disk-7.qcow2", 100) == 7);
  CHECK(disk_number("base-100-disk-2.raw", 100) == 2);
  CHECK(disk_number("vm-1000-disk-2.raw", 100) == std::nullopt);
  CHECK(disk_number("vm-100-state-x.raw", 100) == std::nullopt);
}

TEST_CASE("new disk requests: <storage>:<GiB>, bare sizes, import-from") {
  auto r = parse_new_disk("local:32", "");
  REQUIRE(r);
  CHECK(r->storage == "local");
  CHECK(r->size_bytes == 32ull << 30);
  r = parse_new_disk("8,cache=writeback", "fast");
  REQUIRE(r);
  CHECK(r->storage == "fast");
  CHECK(r->size_bytes == 8ull << 30);
  r = parse_new_disk("file=local:0.5,ssd=1", "");
  REQUIRE(r);
  CHECK(r->size_bytes == 512ull << 20);
  r = parse_new_disk("local:0.001", "");
  REQUIRE(r);
  CHECK(r->size_bytes == 1048ull * 1024);   // 0.001 GiB = 1048.576 KiB -> 1048 KiB
  CHECK(parse_new_disk("local:100/vm-100-disk-0.qcow2,size=32G", "local") == std::nullopt);
  CHECK(parse_new_disk("none,media=cdrom", "local") == std::nullopt);
  CHECK(parse_new_disk("/dev/sdb", "local") == std::nullopt);
  CHECK_THROWS_WITH(parse_new_disk("32", ""), "no storage ID specified (and no default storage)");
  CHECK_THROWS_WITH(parse_new_disk("local:0,import-from=/tmp/disk.qcow2", ""),
                    "importing disks (import-from) is not supported by qmd yet");
  CHECK_THROWS_WITH(parse_new_disk("local:0", ""),
                    "invalid size '0' for a new disk (must be larger than 0)");
}

TEST_CASE("features of dir storage volumes (Proxmox's table)") {
  const auto v = [](const char* id) { return parse_volume_id(id); };
  CHECK(volume_has_feature(v("l1:100/vm-100-disk-0.qcow2"), Feature::Snapshot));
  CHECK_FALSE(volume_has_feature(v("l1:100/vm-100-disk-0.raw"), Feature::Snapshot));
  CHECK_FALSE(volume_has_feature(v("l1:100/base-100-disk-0.qcow2"), Feature::Snapshot));
  CHECK(volume_has_feature(v("l1:100/base-100-disk-0.raw"), Feature::Clone));
  CHECK_FALSE(volume_has_feature(v("l1:100/vm-100-disk-0.qcow2"), Feature::Clone));
  CHECK(volume_has_feature(v("l1:100/vm-100-disk-0.vmdk"), Feature::Template));
  CHECK_FALSE(volume_has_feature(v("l1:100/base-100-disk-0.raw"), Feature::Template));
  CHECK(volume_has_feature(v("l1:100/vm-100-disk-0.raw"), Feature::Copy));
  CHECK_FALSE(volume_has_feature(v("l1:100/vm-100-disk-0.raw"), Feature::Copy, true));
  CHECK(volume_has_feature(v("l1:100/vm-100-disk-0.qcow2"), Feature::Copy, true));
  CHECK_FALSE(volume_has_feature(v("l1:100/vm-100-disk-0.vmdk"), Feature::Resize));
  CHECK_FALSE(volume_has_feature(v("l1:iso/x.iso"), Feature::Copy));
}
