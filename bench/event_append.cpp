// Bulk append throughput of SqliteEventStore against plain SQLite, and the cost
// of reading the log back.
//
//   bench_event_append [events (default 1000000)] [directory (default $TMPDIR)]
//
// append_bulk: append_batch of kBatch events per transaction (kPerCommand events
//   per stream element, kStreams streams, ~150-byte payloads) vs the floor: the
//   very same rows (read back from our file, outside the timer) inserted with one
//   prepared INSERT into an identically-shaped table (a second Database::open:
//   same schema, same pragmas) in one transaction. ratio = floor / ours (1.0 = as fast as the floor).
// scan: read_all() over the log (decoding JSON into Events) vs a bare
//   SELECT seq,stream,type,payload (bench/rebuild_scan_floor.h).
// verify_chain: full chain verification vs a bare scan of all columns.
#include <sqlite3.h>

#include <time.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "bench/rebuild_scan_floor.h"
#include "events/sqlite_store.h"

using namespace qmd::events;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr int kBatch = 10000;
constexpr int kPerCommand = 10;
constexpr int kStreams = 10000;

double since(SteadyClock::time_point t) { return std::chrono::duration<double>(SteadyClock::now() - t).count(); }

// This process's CPU time (it is single-threaded): unlike wall time, it does not
// grow when other work competes for the cores, and it leaves out I/O waits.
double cpu_now() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Wall and CPU seconds, accumulated over timed sections.
struct Timing {
  double wall = 0, cpu = 0;
};

class Timed {
 public:
  explicit Timed(Timing& t) : t_(t), wall_(SteadyClock::now()), cpu_(cpu_now()) {}
  ~Timed() {
    t_.wall += since(wall_);
    t_.cpu += cpu_now() - cpu_;
  }

 private:
  Timing& t_;
  SteadyClock::time_point wall_;
  double cpu_;
};

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(fmt::format("{}: {}", what, sqlite3_errmsg(db)));
}

// ~150 bytes once dumped, varying per event like real config changes.
nlohmann::json payload(int64_t n) {
  return {{"changes",
           {{"memory", std::to_string(1024 * (1 + n % 16))},
            {"net0", fmt::format("virtio=BC:24:11:{:02X}:{:02X}:{:02X},bridge=vmbr0", n & 255, (n >> 8) & 255,
                                 (n >> 16) & 255)},
            {"cores", 1 + n % 8}}},
          {"digest", fmt::format("{:040x}", static_cast<uint64_t>(n) * 0x9e3779b97f4a7c15ULL)}};
}

Timing run_ours(SqliteEventStore& store, int64_t total) {
  Meta meta{"root@pam", 0, 1234, "pve1", "qmd import /etc/pve", "7f0c2d36-5a5e-4c59-9d5b-0d3c2a1b4e6f", ""};
  std::unordered_map<int, int64_t> versions;
  Timing timing;
  int64_t n = 0, command = 0;
  while (n < total) {
    std::vector<EventStore::StreamAppend> batch;
    for (int i = 0; i < kBatch / kPerCommand && n < total; ++i, ++command) {
      int vmid = 100 + static_cast<int>(command % kStreams);
      EventStore::StreamAppend a;
      a.stream = "vm/" + std::to_string(vmid);
      a.expected_version = versions[vmid];
      a.meta = meta;
      for (int k = 0; k < kPerCommand && n < total; ++k, ++n) {
        NewEvent e;
        e.type = "vm.config_changed";
        e.payload = payload(n);
        a.events.push_back(std::move(e));
      }
      versions[vmid] += static_cast<int64_t>(a.events.size());
      batch.push_back(std::move(a));
    }
    Timed t(timing);
    store.append_batch(batch);
  }
  return timing;
}

// Copies the rows of `src` into a fresh identically-shaped table in `dst_path`,
// timing only the inserts and the commit.
// Database::open gives the floor the same pragmas and the same events table.
Timing run_floor(sqlite3* src, const std::string& dst_path) {
  auto floor_db = Database::open(dst_path);
  sqlite3* dst = floor_db->sql().getHandle();

  struct Row {
    int64_t seq, version, schema, recorded_at;
    std::string event_id, stream, type, payload, meta, hash;
  };
  sqlite3_stmt* read = nullptr;
  check(sqlite3_prepare_v2(src,
                           "SELECT seq, event_id, stream, version, type, schema, payload, meta, recorded_at, hash "
                           "FROM events WHERE seq > ?1 ORDER BY seq LIMIT 10000",
                           -1, &read, nullptr),
        src, "prepare read");
  sqlite3_stmt* ins = nullptr;
  check(sqlite3_prepare_v2(dst,
                           "INSERT INTO events (seq, event_id, stream, version, type, schema, payload, meta, "
                           "recorded_at, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                           -1, &ins, nullptr),
        dst, "prepare insert");

  Timing timing;
  {
    Timed t(timing);
    check(sqlite3_exec(dst, "BEGIN", nullptr, nullptr, nullptr), dst, "begin");
  }
  std::vector<Row> rows;
  int64_t last = 0;
  auto text = [](sqlite3_stmt* s, int c) {
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, c)),
                       static_cast<size_t>(sqlite3_column_bytes(s, c)));
  };
  for (;;) {
    rows.clear();
    sqlite3_bind_int64(read, 1, last);
    while (sqlite3_step(read) == SQLITE_ROW)
      rows.push_back(Row{sqlite3_column_int64(read, 0), sqlite3_column_int64(read, 3), sqlite3_column_int64(read, 5),
                         sqlite3_column_int64(read, 8), text(read, 1), text(read, 2), text(read, 4), text(read, 6),
                         text(read, 7), text(read, 9)});
    sqlite3_reset(read);
    if (rows.empty()) break;
    last = rows.back().seq;

    Timed t(timing);
    for (const Row& r : rows) {
      sqlite3_bind_int64(ins, 1, r.seq);
      sqlite3_bind_text(ins, 2, r.event_id.data(), static_cast<int>(r.event_id.size()), SQLITE_STATIC);
      sqlite3_bind_text(ins, 3, r.stream.data(), static_cast<int>(r.stream.size()), SQLITE_STATIC);
      sqlite3_bind_int64(ins, 4, r.version);
      sqlite3_bind_text(ins, 5, r.type.data(), static_cast<int>(r.type.size()), SQLITE_STATIC);
      sqlite3_bind_int64(ins, 6, r.schema);
      sqlite3_bind_text(ins, 7, r.payload.data(), static_cast<int>(r.payload.size()), SQLITE_STATIC);
      sqlite3_bind_text(ins, 8, r.meta.data(), static_cast<int>(r.meta.size()), SQLITE_STATIC);
      sqlite3_bind_int64(ins, 9, r.recorded_at);
      sqlite3_bind_text(ins, 10, r.hash.data(), static_cast<int>(r.hash.size()), SQLITE_STATIC);
      check(sqlite3_step(ins), dst, "insert");
      sqlite3_reset(ins);
    }
  }
  {
    Timed t(timing);
    check(sqlite3_exec(dst, "COMMIT", nullptr, nullptr, nullptr), dst, "commit");
  }
  sqlite3_finalize(read);
  sqlite3_finalize(ins);
  return timing;
}

// A bare scan of every column: the floor for verify_chain.
Timing all_columns_scan(sqlite3* db) {
  sqlite3_stmt* q = nullptr;
  check(sqlite3_prepare_v2(db,
                           "SELECT seq, event_id, stream, version, type, schema, payload, meta, recorded_at, hash "
                           "FROM events ORDER BY seq",
                           -1, &q, nullptr),
        db, "prepare scan");
  uint64_t sum = 0;
  Timing s;
  {
    Timed t(s);
    while (sqlite3_step(q) == SQLITE_ROW)
      for (int c = 0; c < 10; ++c) sum += static_cast<uint64_t>(sqlite3_column_bytes(q, c));
  }
  sqlite3_finalize(q);
  if (sum == 0) throw std::runtime_error("empty scan");
  return s;
}

// ratio = floor / ours over wall time; cpu_ratio the same over CPU time.
void print(const char* bench, int64_t events, const Timing& ours, const Timing& floor) {
  std::printf(
      "{\"bench\":\"%s\",\"events\":%lld,\"seconds\":%.3f,\"floor_seconds\":%.3f,\"ratio\":%.3f,"
      "\"cpu_seconds\":%.3f,\"floor_cpu_seconds\":%.3f,\"cpu_ratio\":%.3f}\n",
      bench, static_cast<long long>(events), ours.wall, floor.wall, floor.wall / ours.wall, ours.cpu, floor.cpu,
      floor.cpu / ours.cpu);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  // A closed stdout (`| head -1`) must not kill us before the 1.6 GB of
  // databases below are removed.
  std::signal(SIGPIPE, SIG_IGN);
  const int64_t total = argc > 1 ? std::stoll(argv[1]) : 1000000;
  const std::filesystem::path base = argc > 2 ? std::filesystem::path(argv[2]) : std::filesystem::temp_directory_path();
  std::string tmpl = (base / "qmd-bench-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    std::fprintf(stderr, "cannot create a directory under %s\n", base.c_str());
    return 1;
  }
  const std::filesystem::path dir = tmpl;
  int rc = 0;
  try {
    auto db = Database::open((dir / "ours.db").string());
    SqliteEventStore store(*db);
    const Timing ours = run_ours(store, total);
    sqlite3* handle = db->sql().getHandle();
    const Timing floor = run_floor(handle, (dir / "floor.db").string());
    print("append_bulk", total, ours, floor);

    Timing scan_floor, read_all;
    qmd::bench::ScanFloor scanned;
    {
      Timed t(scan_floor);
      scanned = qmd::bench::measure_rebuild_scan_floor(handle);
    }
    int64_t seen = 0;
    size_t payload_members = 0;
    {
      Timed t(read_all);
      store.read_all(1, [&](const Event& e) {
        ++seen;
        payload_members += e.payload.size();
        return true;
      });
    }
    if (seen != total || scanned.rows != total || payload_members == 0)
      throw std::runtime_error(fmt::format("scan saw {} / {} rows, expected {}", seen, scanned.rows, total));
    print("scan_read_all", total, read_all, scan_floor);

    const Timing bare = all_columns_scan(handle);
    Timing verify;
    {
      Timed t(verify);
      std::string why;
      if (store.verify_chain(&why)) throw std::runtime_error("chain does not verify: " + why);
    }
    print("verify_chain", total, verify, bare);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_event_append: %s\n", e.what());
    rc = 1;
  }
  std::filesystem::remove_all(dir);
  return rc;
}
