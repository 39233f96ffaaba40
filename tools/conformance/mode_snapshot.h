// qm-conformance snapshot INPUT_ROOT EXPECTED_ROOT
//
// The snapshot fixtures' convention (corpus SOURCE.md): for each operation
// (prepare, commit, create, delete, rollback) and each
// <INPUT_ROOT>/<op>/qemu-server/<vmid>.conf, run the snapshot engine on that
// config with the harness's scenario for the VMID (snapshot_scenarios.h) over
// the simulated storage/QMP (snapshot_sim.h), snaptime 1234567890, and compare
// the resulting file with <EXPECTED_ROOT>/<op>/qemu-server/<vmid>.conf
// byte for byte, the error with the expected one, and the storage calls.
// Prints `PASS <op>/<vmid>` or `FAIL <op>/<vmid>: <reason>` per case, then
// `N passed, N failed`; returns 0 only when every case passed.
#pragma once

#include <string>

namespace qmd::conformance {

int run_snapshot(const std::string& input_root, const std::string& expected_root);

}  // namespace qmd::conformance
