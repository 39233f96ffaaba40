#include <catch2/catch.hpp>

#include "service/storage/storage_cfg.h"
#include "service/storage/storage_error.h"

using namespace qmd::storage;

namespace {

std::string parse_error(const std::string& text) {
  try {
    parse_storage_cfg(text, "/data");
  } catch (const StorageError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("storage.cfg: absent or empty file gives only the built-in local") {
  const StorageConfig cfg = parse_storage_cfg("", "/var/lib/qmd");
  REQUIRE(cfg.entries.size() == 1);
  const StorageEntry& local = cfg.get("local");
  CHECK(local.type == "dir");
  CHECK(local.path == "/var/lib/qmd");
  CHECK(local.content == std::set<std::string>{"images", "iso", "vztmpl", "rootdir"});
  CHECK_FALSE(local.shared);
  CHECK_FALSE(local.disabled);
  CHECK(local.line == 0);
}

TEST_CASE("storage.cfg: sections, comments, flags and the built-in local") {
  const std::string text =
      "# storages of this node\n"
      "dir: fast\n"
      "\tpath /mnt/fast\n"
      "\tcontent images,iso\n"
      "\tshared 1\n"
      "   # an indented comment inside a section\n"
      "\tpreallocation off\n"
      "\n"
      "dir: old\n"
      "        path /mnt/old\n"
      "        disable\n"
      "\n"
      "lvmthin: local-lvm\n"
      "\tthinpool data\n"
      "\tvgname pve\n"
      "\tcontent rootdir,images\n";
  const StorageConfig cfg = parse_storage_cfg(text, "/data");
  REQUIRE(cfg.entries.size() == 4);
  CHECK(cfg.entries[0].id == "local");   // built in, first
  CHECK(cfg.entries[0].path == "/data");

  const StorageEntry& fast = cfg.get("fast");
  CHECK(fast.type == "dir");
  CHECK(fast.path == "/mnt/fast");
  CHECK(fast.content == std::set<std::string>{"images", "iso"});
  CHECK(fast.shared);
  CHECK_FALSE(fast.disabled);
  CHECK(fast.option("preallocation") == "off");
  CHECK(fast.line == 2);

  const StorageEntry& old = cfg.get("old");
  CHECK(old.disabled);
  CHECK(old.content == std::set<std::string>{"images", "rootdir"});   // dir default

  const StorageEntry& lvm = cfg.get("local-lvm");
  CHECK(lvm.type == "lvmthin");
  CHECK(lvm.option("vgname") == "pve");
  CHECK(lvm.option("thinpool") == "data");
  CHECK(lvm.has_content("images"));
}

TEST_CASE("storage.cfg: content lists are split like Proxmox's split_list") {
  const StorageConfig cfg =
      parse_storage_cfg("dir: aa\n\tpath /x\n\tcontent images, iso;vztmpl\n", "/data");
  CHECK(cfg.get("aa").content == std::set<std::string>{"images", "iso", "vztmpl"});
}

TEST_CASE("storage.cfg: a file defining local replaces the built-in one") {
  const StorageConfig cfg =
      parse_storage_cfg("dir: local\n\tpath /srv/vz\n\tcontent iso\n", "/data");
  REQUIRE(cfg.entries.size() == 1);
  CHECK(cfg.get("local").path == "/srv/vz");
  CHECK(cfg.get("local").content == std::set<std::string>{"iso"});
}

TEST_CASE("storage.cfg: lookups and unusable storages give Proxmox's messages") {
  const StorageConfig cfg = parse_storage_cfg(
      "dir: off\n\tpath /mnt/off\n\tdisable 1\n\nrbd: ceph\n\tpool rbd\n", "/data");
  CHECK(cfg.find("nope") == nullptr);
  CHECK_THROWS_WITH(cfg.get("nope"), "storage 'nope' does not exist");
  CHECK_THROWS_WITH(cfg.usable("nope"), "storage 'nope' does not exist");
  CHECK_THROWS_WITH(cfg.usable("ceph"), "storage type 'rbd' is not supported by qmd");
  CHECK_THROWS_WITH(cfg.usable("off"), "storage 'off' is disabled");
  CHECK(cfg.usable("local").path == "/data");
}

TEST_CASE("storage.cfg: malformed files are refused with the line number") {
  CHECK(parse_error("dir: aa\n\tpath /x\n\tpath /y\n") ==
        "storage.cfg line 3: duplicate option 'path' in section 'aa'");
  CHECK(parse_error("dir: aa\n\tpath relative/dir\n") ==
        "storage.cfg line 2: invalid path 'relative/dir' (must be absolute)");
  CHECK(parse_error("dir: aa\n\tcontent images,floppies\n\tpath /x\n") ==
        "storage.cfg line 2: invalid content type 'floppies'");
  CHECK(parse_error("dir: aa\n\tpath /x\n\tshared maybe\n") ==
        "storage.cfg line 3: invalid value for 'shared': 'maybe' (expected 0 or 1)");
  CHECK(parse_error("dir: aa\n\tpath /x\n\tcolour blue\n") ==
        "storage.cfg line 3: unknown option 'colour' for storage type 'dir'");
  CHECK(parse_error("\n\ndir: aa\n\tcontent images\n") == "storage.cfg line 3: storage 'aa' has no 'path'");
  CHECK(parse_error("dir: aa\n\tpath /x\ndir: bb\n\tpath /y\n") ==
        "storage.cfg line 3: missing blank line before section 'bb'");
  CHECK(parse_error("dir: aa\n\tpath /x\n\ndir: aa\n\tpath /y\n") ==
        "storage.cfg line 4: storage ID 'aa' already defined (line 1)");
  CHECK(parse_error("dir: 9lives\n\tpath /x\n") ==
        "storage.cfg line 1: storage ID '9lives' contains illegal characters");
  CHECK(parse_error("# c\n\tpath /x\n") == "storage.cfg line 2: option line outside of a section");
  CHECK(parse_error("this is not a header\n") ==
        "storage.cfg line 1: unable to parse line 'this is not a header'");
  CHECK(parse_error("dir: aa\n\tpath\n") == "storage.cfg line 2: option 'path' needs a value");
  CHECK(parse_error("dir: aa\n\tpath /x\n\tpreallocation lots\n") ==
        "storage.cfg line 3: invalid value for 'preallocation': 'lots'");
}

TEST_CASE("storage ids follow Proxmox's rule") {
  CHECK(is_valid_storage_id("local"));
  CHECK(is_valid_storage_id("local-lvm"));
  CHECK(is_valid_storage_id("a.b_c-d9"));
  CHECK(is_valid_storage_id("AB"));
  CHECK_FALSE(is_valid_storage_id("a"));     // needs two characters
  CHECK_FALSE(is_valid_storage_id("-ab"));
  CHECK_FALSE(is_valid_storage_id("ab-"));
  CHECK_FALSE(is_valid_storage_id("a b"));
  CHECK_FALSE(is_valid_storage_id(""));
}

TEST_CASE("preallocation follows Proxmox's defaults") {
  StorageEntry e = builtin_local("/d");
  CHECK(preallocation_option(e, "qcow2") == "preallocation=metadata");
  CHECK(preallocation_option(e, "raw") == "preallocation=off");
  CHECK(preallocation_option(e, "vmdk") == std::nullopt);
  e.options["preallocation"] = "metadata";
  CHECK(preallocation_option(e, "raw") == "preallocation=off");
  e.options["preallocation"] = "full";
  CHECK(preallocation_option(e, "qcow2") == "preallocation=full");
}
