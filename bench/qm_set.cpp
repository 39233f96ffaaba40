// One `qm set` process end to end (durable: the event is synced to disk and the
// .conf file written) vs one `sqlite3 db "insert …"` process on a plain SQLite
// file with default settings (the floor). Both alternate, N times each; the
// figures are medians. ratio = qm / floor (target <= 2.0).
//
//   bench_qm_set [runs (default 40)] [directory (default $TMPDIR)]
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/process_timer.h"

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::stoi(argv[1]) : 40;
  const std::string base = argc > 2 ? argv[2] : (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
  const std::string dir = base + "/qmd-bench-qm-set";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string qm = std::string(QMD_BINARY_DIR) + "/qm";
  const std::string data = dir + "/data";
  const std::string floor_db = dir + "/floor.db";
  setenv("QMD_DATA_DIR", data.c_str(), 1);
  setenv("QMD_NODE", "bench", 1);
  qmd::bench::time_process({qm, "create", "100", "-name", "bench", "-memory", "1024"});
  qmd::bench::time_process({"sqlite3", floor_db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)"});
  // warm-up: page cache, first WAL creation
  qmd::bench::time_process({qm, "set", "100", "-name", "warm"});
  qmd::bench::time_process({"sqlite3", floor_db, "INSERT INTO t(v) VALUES ('warm')"});

  std::vector<double> ours, floor;
  for (int i = 0; i < runs; ++i) {
    ours.push_back(qmd::bench::time_process({qm, "set", "100", "-name", "n" + std::to_string(i)}));
    floor.push_back(qmd::bench::time_process({"sqlite3", floor_db, "INSERT INTO t(v) VALUES ('n" + std::to_string(i) + "')"}));
  }
  std::sort(ours.begin(), ours.end());
  std::sort(floor.begin(), floor.end());
  const double m_ours = ours[ours.size() / 2], m_floor = floor[floor.size() / 2];
  std::printf("%s\n", fmt::format("{{\"bench\":\"qm_set_process\",\"runs\":{},\"qm_set_ms\":{:.2f},"
                                  "\"sqlite3_insert_ms\":{:.2f},\"ratio\":{:.3f},\"target_ratio\":2.0}}",
                                  runs, m_ours * 1000, m_floor * 1000, m_ours / m_floor)
                          .c_str());
  std::filesystem::remove_all(dir);
  return 0;
}
