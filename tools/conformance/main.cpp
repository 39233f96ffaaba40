// qm-conformance: runs qmd's config code over directories laid out like the
// Proxmox qemu-server test corpus (see ../shared/corpus/qemu-server/SOURCE.md).
#include <iostream>
#include <string>

#include "tools/conformance/mode_snapshot.h"
#include "tools/conformance/modes.h"

namespace {
int usage() {
  std::cerr << "usage: qm-conformance parse-config INPUT_DIR EXPECTED_DIR\n"
               "       qm-conformance roundtrip DIR\n"
               "       qm-conformance snapshot INPUT_ROOT EXPECTED_ROOT\n";
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string mode = argv[1];
  if (mode == "parse-config" && argc == 4) return qmd::conformance::run_parse_config(argv[2], argv[3]);
  if (mode == "roundtrip" && argc == 3) return qmd::conformance::run_roundtrip(argv[2]);
  if (mode == "snapshot" && argc == 4) return qmd::conformance::run_snapshot(argv[2], argv[3]);
  return usage();
}
