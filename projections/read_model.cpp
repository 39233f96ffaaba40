#include "projections/read_model.h"

namespace qmd::projections {

namespace {

VmState parse_row(std::string_view text) {
  try {
    return state_from_json(nlohmann::json::parse(text));
  } catch (const nlohmann::json::exception& e) {
    throw ProjectionError(std::string("corrupt read table row: ") + e.what());
  }
}

std::vector<VmState> states(events::SqlSession& db, std::string_view sql,
                            std::initializer_list<events::SqlParam> params = {}) {
  std::vector<VmState> out;
  db.run(sql, params, [&](const events::SqlRow& r) { out.push_back(parse_row(r.text(0))); });
  return out;
}

std::vector<std::pair<int64_t, int64_t>> pairs(events::SqlSession& db, std::string_view sql,
                                               std::initializer_list<events::SqlParam> params = {}) {
  std::vector<std::pair<int64_t, int64_t>> out;
  db.run(sql, params, [&](const events::SqlRow& r) { out.emplace_back(r.int64(0), r.int64(1)); });
  return out;
}

}  // namespace

VmState ReadModel::load(int64_t vmid) {
  auto found = states(db_, "SELECT state FROM vm WHERE vmid = ?", {vmid});
  if (!found.empty()) return std::move(found.front());
  VmState s;
  s.vmid = vmid;
  return s;
}

std::vector<VmState> ReadModel::list(const std::optional<std::string>& node) {
  if (node) return states(db_, "SELECT state FROM vm WHERE exists_now = 1 AND node = ? ORDER BY vmid", {*node});
  return states(db_, "SELECT state FROM vm WHERE exists_now = 1 ORDER BY vmid");
}

std::vector<VmState> ReadModel::all_rows() { return states(db_, "SELECT state FROM vm ORDER BY vmid"); }

void ReadModel::save(const VmState& s, bool file_changed) {
  const std::string lock = s.lock();
  const std::string state = state_to_json(s).dump();
  db_.run("INSERT INTO vm (vmid, node, exists_now, version, last_seq, lock, status, state) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (vmid) DO UPDATE SET node = excluded.node, "
          "exists_now = excluded.exists_now, version = excluded.version, last_seq = excluded.last_seq, "
          "lock = excluded.lock, status = excluded.status, state = excluded.state",
          {s.vmid, s.node, int64_t{s.exists ? 1 : 0}, s.version, s.last_seq, lock, s.status, state});
  if (!file_changed) return;
  db_.run("INSERT INTO conf_dirty (vmid, seq) VALUES (?, ?) ON CONFLICT (vmid) DO UPDATE SET seq = excluded.seq",
          {s.vmid, s.last_seq});
}

void ReadModel::save_checkpoint(const VmState& s) {
  const std::string state = state_to_json(s).dump();
  db_.run("INSERT INTO vm_checkpoint (vmid, version, seq, recorded_at, state) VALUES (?, ?, ?, ?, ?) "
          "ON CONFLICT (vmid, version) DO UPDATE SET seq = excluded.seq, recorded_at = excluded.recorded_at, "
          "state = excluded.state",
          {s.vmid, s.version, s.last_seq, s.updated_at, state});
}

std::optional<VmState> ReadModel::checkpoint_before(int64_t vmid, int64_t max_seq, int64_t max_time) {
  auto found = states(db_,
                      "SELECT state FROM vm_checkpoint WHERE vmid = ? AND seq <= ? AND recorded_at <= ? "
                      "ORDER BY version DESC LIMIT 1",
                      {vmid, max_seq, max_time});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<std::pair<int64_t, int64_t>> ReadModel::changed_since(int64_t seq) {
  return pairs(db_, "SELECT vmid, last_seq FROM vm WHERE last_seq > ? ORDER BY vmid", {seq});
}

std::vector<std::pair<int64_t, int64_t>> ReadModel::dirty() {
  return pairs(db_, "SELECT vmid, seq FROM conf_dirty ORDER BY vmid");
}

void ReadModel::clear_dirty(const std::vector<std::pair<int64_t, int64_t>>& marks) {
  if (marks.empty()) return;
  db_.transaction([&] {
    for (const auto& [vmid, seq] : marks) db_.run("DELETE FROM conf_dirty WHERE vmid = ? AND seq <= ?", {vmid, seq});
  }, events::Durability::Unsynced);
}

void ReadModel::mark_all_dirty() {
  db_.run("INSERT INTO conf_dirty (vmid, seq) SELECT vmid, last_seq FROM vm WHERE true "
          "ON CONFLICT (vmid) DO UPDATE SET seq = excluded.seq");
}

void ReadModel::clear() {
  db_.run("DELETE FROM vm");
  db_.run("DELETE FROM vm_checkpoint");
}

}  // namespace qmd::projections
