// The Storage facade against real qemu-img and real files in temp dirs.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <thread>

#include "service/storage/qcow2_header.h"
#include "service/storage/storage_error.h"
#include "storage_fixture.h"

using namespace qmd::storage;
using namespace qmd::storage::test;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const StorageError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("allocate: next free disk numbers, formats and sizes") {
  TempDir d;
  Storage st = Storage::open(d.path());
  CHECK(st.allocate("local", 100, "raw", 4 * kMiB) == "local:100/vm-100-disk-0.raw");
  CHECK(st.allocate("local", 100, "qcow2", 8 * kMiB) == "local:100/vm-100-disk-1.qcow2");
  CHECK(st.allocate("local", 100, "vmdk", 2 * kMiB) == "local:100/vm-100-disk-2.vmdk");
  CHECK(tree(d.path()) == std::vector<std::string>{"images", "images/100",
                                                   "images/100/vm-100-disk-0.raw",
                                                   "images/100/vm-100-disk-1.qcow2",
                                                   "images/100/vm-100-disk-2.vmdk"});
  CHECK(st.path_of("local:100/vm-100-disk-1.qcow2") == d.path() + "/images/100/vm-100-disk-1.qcow2");
  CHECK(std::filesystem::file_size(d.path() + "/images/100/vm-100-disk-0.raw") == 4 * kMiB);

  const ImageInfo q = st.info("local:100/vm-100-disk-1.qcow2");
  CHECK(q.virtual_size == 8 * kMiB);
  CHECK(q.format == "qcow2");
  CHECK(q.backing_file.empty());
  CHECK(q.snapshots.empty());
  CHECK(st.info("local:100/vm-100-disk-2.vmdk").format == "vmdk");

  // A freed number is reused; numbers count across formats and base images.
  CHECK(st.free("local:100/vm-100-disk-0.raw"));
  CHECK(st.allocate("local", 100, "qcow2", kMiB) == "local:100/vm-100-disk-0.qcow2");
  CHECK(st.allocate("local", 100, "raw", kMiB) == "local:100/vm-100-disk-3.raw");
  CHECK(st.list_volumes_of(100) ==
        std::vector<std::string>{"local:100/vm-100-disk-0.qcow2", "local:100/vm-100-disk-1.qcow2",
                                 "local:100/vm-100-disk-2.vmdk", "local:100/vm-100-disk-3.raw"});
  CHECK(st.list_volumes_of(101).empty());
}

TEST_CASE("allocate on a second storage from storage.cfg, named volumes") {
  TempDir d;
  const std::string fast = d.path() + "/fast";
  write_file(d.path() + "/storage.cfg", "dir: fast\n\tpath " + fast + "\n\tcontent images\n\n"
                                        "dir: isos\n\tpath " + d.path() + "/isos\n\tcontent iso\n");
  Storage st = Storage::open(d.path());
  CHECK(st.allocate("fast", 200, "raw", kMiB) == "fast:200/vm-200-disk-0.raw");
  CHECK(std::filesystem::exists(fast + "/images/200/vm-200-disk-0.raw"));
  CHECK(st.allocate_named("local", 200, state_file_name(200, "s1"), 2 * kMiB) ==
        "local:200/vm-200-state-s1.raw");
  CHECK(error_of([&] { st.allocate_named("local", 200, "vm-200-state-s1.raw", kMiB); }) ==
        "disk image '" + d.path() + "/images/200/vm-200-state-s1.raw' already exists");
  CHECK(st.list_volumes_of(200) ==
        std::vector<std::string>{"local:200/vm-200-state-s1.raw", "fast:200/vm-200-disk-0.raw"});
  CHECK(error_of([&] { st.allocate("isos", 200, "raw", kMiB); }) ==
        "storage 'isos' does not support vm images");
}

TEST_CASE("unknown, unsupported and disabled storages are refused before any file is made") {
  TempDir d;
  write_file(d.path() + "/storage.cfg",
             "zfspool: tank\n\tpool tank/vm\n\ndir: gone\n\tpath " + d.path() + "/gone\n\tdisable\n");
  Storage st = Storage::open(d.path());
  CHECK(error_of([&] { st.allocate("nope", 100, "raw", kMiB); }) == "storage 'nope' does not exist");
  CHECK(error_of([&] { st.allocate("tank", 100, "raw", kMiB); }) ==
        "storage type 'zfspool' is not supported by qmd");
  CHECK(error_of([&] { st.allocate("gone", 100, "raw", kMiB); }) == "storage 'gone' is disabled");
  CHECK(error_of([&] { st.info("nope:100/vm-100-disk-0.raw"); }) == "storage 'nope' does not exist");
  CHECK(error_of([&] { st.allocate("local", 100, "qed", kMiB); }) == "unsupported format 'qed'");
  CHECK(error_of([&] { st.info("local:100/vm-100-disk-9.raw"); }) ==
        "volume 'local:100/vm-100-disk-9.raw' does not exist");
  CHECK(error_of([&] { st.allocate("local", 0, "raw", kMiB); }) == "invalid VMID 0");
  CHECK(error_of([&] { st.free("local:iso/debian.iso"); }) == "volume 'local:iso/debian.iso' is not a disk image");
  CHECK(tree(d.path()) == std::vector<std::string>{"storage.cfg"});
}

TEST_CASE("a failing qemu-img leaves nothing behind and names the command") {
  TempDir d;
  Storage st = Storage::open(d.path());
  // qcow2 cannot address 8 EiB: qemu-img fails after the file was created.
  const std::string path = d.path() + "/images/100/vm-100-disk-0.qcow2";
  const std::string err = error_of([&] { st.allocate("local", 100, "qcow2", 9223372036854775296ull); });
  CHECK(err.rfind("command 'qemu-img create -o preallocation=metadata -f qcow2 " + path +
                      " 9223372036854775296' failed: exit code 1: qemu-img: ",
                  0) == 0);
  CHECK(err.find("exceeds maximum") != std::string::npos);
  CHECK(tree(d.path()) == std::vector<std::string>{"images"});   // the storage's layout stays

  // A second disk of a VM that already has one: only the new file goes.
  st.allocate("local", 100, "raw", kMiB);
  CHECK_THROWS_AS(st.allocate("local", 100, "qcow2", 9223372036854775296ull), StorageError);
  CHECK(tree(d.path()) ==
        std::vector<std::string>{"images", "images/100", "images/100/vm-100-disk-0.raw"});

  // A full clone from a corrupt source: convert fails, the target is removed.
  write_file(d.path() + "/images/100/vm-100-disk-1.qcow2", "this is not a qcow2 image");
  const std::string clone_err = error_of([&] { st.clone_full("local:100/vm-100-disk-1.qcow2", "local", 101, "raw"); });
  CHECK(clone_err.rfind("command 'qemu-img convert -C -f qcow2 -O raw -o preallocation=off ", 0) == 0);
  CHECK(clone_err.find("Image is not in qcow2 format") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d.path() + "/images/101"));

  // qemu-img that cannot be run at all.
  Storage broken(st.config(), QemuImg("/nonexistent/qemu-img"));
  CHECK(error_of([&] { broken.allocate("local", 102, "raw", kMiB); })
            .rfind("command '/nonexistent/qemu-img create -o preallocation=off -f raw ", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(d.path() + "/images/102"));
}

TEST_CASE("free: missing files warn, directories are tidied") {
  TempDir d;
  Storage st = Storage::open(d.path());
  const std::string v = st.allocate("local", 100, "raw", kMiB);
  CHECK(st.free(v));
  CHECK_FALSE(std::filesystem::exists(d.path() + "/images/100"));
  CHECK_FALSE(st.free(v));
}

TEST_CASE("resize grows only") {
  TempDir d;
  Storage st = Storage::open(d.path());
  const std::string q = st.allocate("local", 100, "qcow2", 16 * kMiB);
  st.resize(q, 32 * kMiB);
  CHECK(st.info(q).virtual_size == 32 * kMiB);
  st.resize(q, 32 * kMiB);   // same size: nothing to do
  CHECK(error_of([&] { st.resize(q, 8 * kMiB); }) == "shrinking disks is not supported");
  CHECK(st.info(q).virtual_size == 32 * kMiB);

  const std::string r = st.allocate("local", 100, "raw", 4 * kMiB);
  st.resize(r, 6 * kMiB);
  CHECK(std::filesystem::file_size(st.path_of(r)) == 6 * kMiB);
  const std::string k = st.allocate("local", 100, "vmdk", 4 * kMiB);
  CHECK(error_of([&] { st.resize(k, 8 * kMiB); }) == "can't resize this image format");
}

TEST_CASE("qcow2 snapshot, overwrite, rollback: the old bytes come back") {
  TempDir d;
  Storage st = Storage::open(d.path());
  const std::string v = st.allocate("local", 100, "qcow2", 16 * kMiB);
  const std::string path = st.path_of(v);
  write_pattern("qcow2", path, 0xab);
  st.snapshot_create(v, "before");
  CHECK(st.info(v).snapshots == std::vector<std::string>{"before"});
  write_pattern("qcow2", path, 0xcd);
  CHECK(has_pattern("qcow2", path, 0xcd));
  CHECK_FALSE(has_pattern("qcow2", path, 0xab));
  st.snapshot_apply(v, "before");
  CHECK(has_pattern("qcow2", path, 0xab));
  st.snapshot_delete(v, "before");
  CHECK(st.info(v).snapshots.empty());
  CHECK(has_pattern("qcow2", path, 0xab));

  const std::string err = error_of([&] { st.snapshot_apply(v, "nosuch"); });
  CHECK(err.rfind("command 'qemu-img snapshot -a nosuch " + path + "' failed: exit code 1: ", 0) == 0);
}

TEST_CASE("snapshots of raw and base volumes are refused with Proxmox's message") {
  TempDir d;
  Storage st = Storage::open(d.path());
  const std::string raw = st.allocate("local", 100, "raw", kMiB);
  CHECK(error_of([&] { st.snapshot_create(raw, "s"); }) == "snapshot feature is not available");
  CHECK(error_of([&] { st.snapshot_apply(raw, "s"); }) == "snapshot feature is not available");
  CHECK(error_of([&] { st.snapshot_delete(raw, "s"); }) == "snapshot feature is not available");
  const std::string base = st.rename_to_base(st.allocate("local", 100, "qcow2", kMiB));
  CHECK(error_of([&] { st.snapshot_create(base, "s"); }) == "snapshot feature is not available");
}

TEST_CASE("template and linked clone: the clone sees the base, its writes stay its own") {
  TempDir d;
  Storage st = Storage::open(d.path());
  const std::string vol = st.allocate("local", 100, "qcow2", 16 * kMiB);
  write_pattern("qcow2", st.path_of(vol), 0xab);
  const std::string base = st.rename_to_base(vol);
  CHECK(base == "local:100/base-100-disk-0.qcow2");
  CHECK_FALSE(std::filesystem::exists(d.path() + "/images/100/vm-100-disk-0.qcow2"));
  struct stat sb {};
  REQUIRE(::stat(st.path_of(base).c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0444);
  CHECK(error_of([&] { st.rename_to_base(base); }) == "create_base not possible with base image");
  CHECK(error_of([&] { st.clone_linked(st.allocate("local", 100, "qcow2", kMiB), 101); }) ==
        "Linked clone feature is not supported for 'local:100/vm-100-disk-1.qcow2'");

  const std::string clone = st.clone_linked(base, 101);
  CHECK(clone == "local:100/base-100-disk-0.qcow2/101/vm-101-disk-0.qcow2");
  const ImageInfo ci = st.info(clone);
  CHECK(ci.backing_file == "../100/base-100-disk-0.qcow2");
  CHECK(ci.virtual_size == 16 * kMiB);
  const std::string cpath = st.path_of(clone);
  CHECK(cpath == d.path() + "/images/101/vm-101-disk-0.qcow2");
  CHECK(has_pattern("qcow2", cpath, 0xab));
  write_pattern("qcow2", cpath, 0xcd);
  CHECK(has_pattern("qcow2", cpath, 0xcd));
  CHECK(has_pattern("qcow2", st.path_of(base), 0xab));

  CHECK(st.list_volumes_of(101) == std::vector<std::string>{clone});
  CHECK(st.volume_in_use_by_linked_clone(base) == clone);
  CHECK(error_of([&] { st.free(base); }) ==
        "base volume 'local:100/base-100-disk-0.qcow2' is still in use by linked cloned");
  CHECK(std::filesystem::exists(st.path_of(base)));

  // A linked clone can itself become a base (template of a linked clone).
  const std::string clone_base = st.rename_to_base(clone);
  CHECK(clone_base == "local:100/base-100-disk-0.qcow2/101/base-101-disk-0.qcow2");
  CHECK(st.list_volumes_of(101) == std::vector<std::string>{clone_base});
  CHECK(st.volume_in_use_by_linked_clone(base) == clone_base);

  CHECK(st.free(clone_base));
  CHECK(st.volume_in_use_by_linked_clone(base) == std::nullopt);
  CHECK(st.free(base));
}

TEST_CASE("full clone copies the bytes, reports progress, converts formats") {
  TempDir d;
  const std::string other = d.path() + "/other";
  write_file(d.path() + "/storage.cfg", "dir: other\n\tpath " + other + "\n\tcontent images\n");
  Storage st = Storage::open(d.path());
  const std::string src = st.allocate("local", 100, "qcow2", 16 * kMiB);
  write_pattern("qcow2", st.path_of(src), 0xab, "0 1M");
  write_pattern("qcow2", st.path_of(src), 0x5a, "8M 64k");

  std::vector<double> progress;
  const std::string copy = st.clone_full(src, "other", 101, "raw", [&](double p) { progress.push_back(p); });
  CHECK(copy == "other:101/vm-101-disk-0.raw");
  CHECK(st.path_of(copy) == other + "/images/101/vm-101-disk-0.raw");
  CHECK(std::filesystem::file_size(st.path_of(copy)) == 16 * kMiB);
  const std::string bytes = read_file(st.path_of(copy));
  CHECK(bytes.substr(0, kMiB) == std::string(kMiB, '\xab'));
  CHECK(bytes.substr(kMiB, 7 * kMiB) == std::string(7 * kMiB, '\0'));
  CHECK(bytes.substr(8 * kMiB, 64 * 1024) == std::string(64 * 1024, '\x5a'));
  REQUIRE_FALSE(progress.empty());
  CHECK(progress.back() == 100.0);
  CHECK(std::is_sorted(progress.begin(), progress.end()));

  // Same format by default; the source stays untouched.
  const std::string copy2 = st.clone_full(src, "local", 101, "");
  CHECK(copy2 == "local:101/vm-101-disk-0.qcow2");
  CHECK(has_pattern("qcow2", st.path_of(copy2), 0x5a, "8M 64k"));

  // From a snapshot: the bytes as they were then.
  st.snapshot_create(src, "old");
  write_pattern("qcow2", st.path_of(src), 0x11, "0 1M");
  const std::string copy3 = st.clone_full(src, "local", 102, "qcow2", {}, "old");
  CHECK(has_pattern("qcow2", st.path_of(copy3), 0xab, "0 1M"));
  CHECK(error_of([&] { st.clone_full(copy, "local", 103, "", {}, "old"); }) ==
        "copy feature is not available for 'other:101/vm-101-disk-0.raw' (snapshot 'old')");
  CHECK(error_of([&] { st.clone_full(src, "nope", 103, ""); }) == "storage 'nope' does not exist");
}

TEST_CASE("concurrent allocations for one VM never share a name") {
  TempDir d;
  Storage st = Storage::open(d.path());
  std::vector<std::string> got(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] { got[i] = st.allocate("local", 100, "raw", kMiB); });
  for (auto& t : threads) t.join();
  std::sort(got.begin(), got.end());
  std::vector<std::string> want;
  for (int n = 0; n < 8; ++n) want.push_back("local:100/" + disk_file_name(100, n, "raw"));
  CHECK(got == want);
}

TEST_CASE("qcow2 header: backing file names read without qemu-img") {
  TempDir d;
  Storage st = Storage::open(d.path());
  const std::string q = st.allocate("local", 100, "qcow2", kMiB);
  const std::string r = st.allocate("local", 100, "raw", kMiB);
  CHECK(read_qcow2_backing_file(st.path_of(q)) == std::string());
  CHECK(read_qcow2_backing_file(st.path_of(r)) == std::nullopt);
  CHECK(read_qcow2_backing_file(d.path() + "/missing.qcow2") == std::nullopt);
  const std::string clone = st.clone_linked(st.rename_to_base(q), 7000);
  CHECK(read_qcow2_backing_file(st.path_of(clone)) == "../100/base-100-disk-0.qcow2");
}
