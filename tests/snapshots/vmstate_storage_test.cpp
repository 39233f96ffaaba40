// Where the state volume of a snapshot with RAM goes (Proxmox's
// find_vmstate_storage, spec §6.3).
#include <catch2/catch.hpp>

#include "config/reader.h"
#include "service/snapshots/live_backend.h"
#include "service/storage/storage_cfg.h"
#include "tests/snapshots/conf_text.h"

using qmd::service::snapshots::vmstate_storage;

namespace {

qmd::storage::StorageConfig storages() {
  qmd::storage::StorageConfig c;
  c.entries.push_back(qmd::storage::builtin_local("/var/lib/qmd"));
  qmd::storage::StorageEntry fast;
  fast.id = "fast";
  fast.type = "dir";
  fast.path = "/srv/fast";
  fast.content = {"images"};
  qmd::storage::StorageEntry nfs = fast;
  nfs.id = "nfs";
  nfs.path = "/srv/nfs";
  nfs.shared = true;
  c.entries.push_back(fast);
  c.entries.push_back(nfs);
  return c;
}
const qmd::storage::StorageConfig kStorages = storages();
}  // namespace

TEST_CASE("vmstate storage: vmstatestorage, else a shared storage of a disk, else a local one, else local") {
  CHECK(vmstate_storage(qmd::testing::parse_conf("vmstatestorage: fast\nscsi0: nfs:100/vm-100-disk-0.qcow2\n"), kStorages) == "fast");
  CHECK(vmstate_storage(qmd::testing::parse_conf("scsi0: fast:100/vm-100-disk-0.qcow2\nscsi1: nfs:100/vm-100-disk-1.qcow2\n"),
                        kStorages) == "nfs");
  CHECK(vmstate_storage(qmd::testing::parse_conf("scsi0: fast:100/vm-100-disk-0.qcow2\n"), kStorages) == "fast");
  // CD-ROMs do not count; no disk at all: local.
  CHECK(vmstate_storage(qmd::testing::parse_conf("ide2: nfs:iso/x.iso,media=cdrom\n"), kStorages) == "local");
  CHECK(vmstate_storage(qmd::testing::parse_conf("memory: 512\n"), kStorages) == "local");
}
