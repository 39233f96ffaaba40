// A storage that runs full: a full clone whose copy hits ENOSPC and a create
// whose preallocation does fail with qemu-img's words and leave no volume and
// no image directory behind (the clone no VM either).
//
// The full disk is a real 16 MiB tmpfs, mounted in a private mount namespace
// (`unshare -rm`) around the qm commands; the database stays outside it.
#include "tests/clone/clone_fixture.h"

using namespace qmd::testing;

TEST_CASE("a full storage fails clone and create cleanly, leaving no half-made volume", "[clone][cli][errors]") {
  Qm qm;
  const std::string small = qm.dir() + "/small";
  std::filesystem::create_directories(small);
  write_file(qm.dir() + "/storage.cfg",
             "dir: small\n\tpath " + small + "\n\tcontent images\n\n"
             "dir: prealloc\n\tpath " + small + "\n\tcontent images\n\tpreallocation full\n");
  qm_ok(qm, {"create", "200", "-scsi0", "local:1"});
  for (const char* off : {"0", "32M"})   // 64 MiB of data: four times the storage
    write_pattern("qcow2", qm.dir() + "/images/200/vm-200-disk-0.qcow2", "0x61", off, "32M");

  // Inside the namespace: mount, run qm, list what the storage holds after each.
  const std::string script =
      "mount -t tmpfs -o size=16m tmpfs \"$1\" || exit 77\n"
      "\"$2\" clone 200 201 --storage small; echo \"clone exit $?\"\n"
      "find \"$1\" -mindepth 1\n"
      "\"$2\" create 300 -scsi0 prealloc:1,format=raw; echo \"create exit $?\"\n"
      "find \"$1\" -mindepth 1\n"
      "df -k \"$1\" | tail -1 | awk '{print \"used \" $3}'\n";
  auto r = run({"/usr/bin/unshare", "-rm", "/bin/sh", "-c", script, "sh", small, binary("qm")}, qm.env());
  if (r.exit_code == 77 || r.out.empty()) {
    WARN("skipped: no private mount namespace for a small tmpfs here: " << r.err);
    return;
  }
  INFO(r.err);
  // What stays is the storage's own layout (its images/ directory). The drive
  // line was shown live, as the copy began, before it failed.
  CHECK(r.out == "create full clone of drive scsi0 (local:200/vm-200-disk-0.qcow2)\nclone exit 255\n" + small + "/images\ncreate exit 255\n" + small + "/images\nused 0\n");
  // Both failures name the qemu-img command and its reason.
  CHECK(r.err.find("clone failed: command 'qemu-img convert -C -f qcow2 -O qcow2 -o preallocation=metadata") !=
        std::string::npos);
  CHECK(r.err.find("No space left on device") != std::string::npos);
  CHECK(r.err.find("unable to create VM 300 - command 'qemu-img create -o preallocation=full -f raw " + small +
                   "/images/300/vm-300-disk-0.raw 1073741824' failed") != std::string::npos);

  // The clone is gone; the create, as in Proxmox, stays locked `create` without the disk.
  CHECK_FALSE(file_exists(qm.conf_path(201)));
  CHECK(conf_value(qm.conf(300), "lock") == "create");
  CHECK(conf_value(qm.conf(300), "scsi0").empty());
  auto h = qm({"history", "201"});
  CHECK(h.out.find("vm.operation.failed") != std::string::npos);
  CHECK(h.out.find("vm.destroyed") != std::string::npos);
  CHECK(qm({"verify"}).exit_code == 0);
  // The clone's id is free again, the source untouched; the create is cleared away.
  qm_ok(qm, {"clone", "200", "201"});
  qm_ok(qm, {"unlock", "300"});
  qm_ok(qm, {"destroy", "300"});
  CHECK_FALSE(file_exists(qm.conf_path(300)));
  CHECK(reads_pattern("qcow2", qm.dir() + "/images/201/vm-201-disk-0.qcow2", "0x61", "32M", "1M"));
}
