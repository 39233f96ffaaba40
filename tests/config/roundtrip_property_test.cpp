// Property: generated configs survive write -> parse -> write unchanged.
#include <catch2/catch.hpp>

#include <functional>
#include <random>

#include "config/description.h"
#include "config/reader.h"
#include "config/writer.h"

using namespace qmd::config;

namespace {

struct Gen {
  std::mt19937 rng;
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }
  std::string num(int lo, int hi) { return std::to_string(std::uniform_int_distribution<int>(lo, hi)(rng)); }
  std::string mac() {
    static const char* hex = "0123456789ABCDEF";
    std::string m = "BC:24:11";
    for (int i = 0; i < 3; ++i) m += std::string(":") + hex[pick(16)] + hex[pick(16)];
    return m;
  }
  std::string text() {
    static const std::vector<std::string> parts = {"a", "ü", ":", "%", " ", "#", "\t", "€", "x y", "0", "\n"};
    std::string s;
    for (size_t i = 0, n = 1 + pick(8); i < n; ++i) s += parts[pick(parts.size())];
    return s;
  }
  Section section(bool snapshot) {
    Section s;
    std::vector<std::function<void()>> adds = {
        [&] { s["cores"] = num(1, 64); },
        [&] { s["memory"] = pick(2) ? num(16, 65536) : "current=" + num(16, 4096); },
        [&] { s["numa"] = num(0, 1); },
        [&] { s["name"] = "vm-" + num(1, 999); },
        [&] { s["net" + num(0, 31)] = "virtio=" + mac() + ",bridge=vmbr" + num(0, 9) + (pick(2) ? ",firewall=1" : ""); },
        [&] { s["scsi" + num(0, 30)] = "local:100/vm-100-disk-" + num(0, 9) + ".qcow2,iothread=1,size=" + num(1, 64) + "G"; },
        [&] { s["ide2"] = "none,media=cdrom"; },
        [&] { s["ostype"] = pick(2) ? "l26" : "win11"; },
        [&] { s["boot"] = "order=scsi0;net0"; },
        [&] { s["tags"] = "a;b" + num(0, 9); },
        [&] { s["cpulimit"] = num(0, 128) + ".5"; },
        [&] { s["args"] = "-no-reboot -smbios 'type=0'"; },
        [&] {
          // The reader trims trailing blanks and the writer omits "0": generate the normal form.
          std::string d = trim_trailing_space(text());
          if (!d.empty() && d != "0") s["description"] = d;
        },
        [&] { s["vga"] = "qxl,memory=" + num(4, 512); },
        [&] { s["unused" + num(0, 255)] = "local:100/vm-100-disk-" + num(10, 20) + ".raw"; },
    };
    for (size_t i = 0, n = pick(12); i < n; ++i) adds[pick(adds.size())]();
    if (snapshot) s["snaptime"] = num(0, 2000000000);
    return s;
  }
};

}  // namespace

TEST_CASE("generated configs: write, parse, equal") {
  Gen g{std::mt19937(20240601)};
  for (int iter = 0; iter < 500; ++iter) {
    ConfigFile c;
    c.main = g.section(false);
    if (g.pick(2)) {
      c.pending = g.section(false);
      if (g.pick(2)) c.pending["delete"] = "numa,!scsi3";
    }
    for (size_t i = 0, n = g.pick(3); i < n; ++i) c.snapshots["snap" + g.num(0, 99)] = g.section(true);
    if (g.pick(3) == 0) c.special["fleecing"] = {{"fleecing-images", "zfs:vm-100-fleece-0"}};

    std::string w1 = write_config(c);
    ParseResult r = parse_config(w1, 100, true);
    INFO(w1);
    REQUIRE(r.warnings.empty());
    CHECK(write_config(r.conf) == w1);
    // The model itself survives, up to what the writer canonicalises by design
    // (description trailing blanks trimmed, empty main descriptions dropped).
    for (const auto& [k, v] : c.main)
      if (k != "description" && !k.starts_with("unused")) CHECK(r.conf.main.at(k) == v);
  }
}
