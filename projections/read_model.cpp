#include "projections/read_model.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace qmd::projections {

namespace {
VmState parse_row(const std::string& text) {
  try {
    return state_from_json(nlohmann::json::parse(text));
  } catch (const nlohmann::json::exception& e) {
    throw ProjectionError(std::string("corrupt read table row: ") + e.what());
  }
}
}  // namespace

VmState ReadModel::load(int64_t vmid) {
  SQLite::Statement q(db_, "SELECT state FROM vm WHERE vmid = ?");
  q.bind(1, static_cast<int64_t>(vmid));
  if (q.executeStep()) return parse_row(q.getColumn(0).getString());
  VmState s;
  s.vmid = vmid;
  return s;
}

std::vector<VmState> ReadModel::list(const std::optional<std::string>& node) {
  std::vector<VmState> out;
  SQLite::Statement q(db_, node ? "SELECT state FROM vm WHERE exists_now = 1 AND node = ? ORDER BY vmid"
                                : "SELECT state FROM vm WHERE exists_now = 1 ORDER BY vmid");
  if (node) q.bind(1, *node);
  while (q.executeStep()) out.push_back(parse_row(q.getColumn(0).getString()));
  return out;
}

std::vector<VmState> ReadModel::all_rows() {
  std::vector<VmState> out;
  SQLite::Statement q(db_, "SELECT state FROM vm ORDER BY vmid");
  while (q.executeStep()) out.push_back(parse_row(q.getColumn(0).getString()));
  return out;
}

void ReadModel::save(const VmState& s, bool file_changed) {
  SQLite::Statement q(db_,
                      "INSERT OR REPLACE INTO vm (vmid, node, exists_now, version, last_seq, lock, status, state) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, static_cast<int64_t>(s.vmid));
  q.bind(2, s.node);
  q.bind(3, s.exists ? 1 : 0);
  q.bind(4, static_cast<int64_t>(s.version));
  q.bind(5, static_cast<int64_t>(s.last_seq));
  q.bind(6, s.lock());
  q.bind(7, s.status);
  q.bind(8, state_to_json(s).dump());
  q.exec();
  if (!file_changed) return;
  SQLite::Statement d(db_, "INSERT OR REPLACE INTO conf_dirty (vmid, seq) VALUES (?, ?)");
  d.bind(1, static_cast<int64_t>(s.vmid));
  d.bind(2, static_cast<int64_t>(s.last_seq));
  d.exec();
}

void ReadModel::save_checkpoint(const VmState& s) {
  SQLite::Statement q(db_,
                      "INSERT OR REPLACE INTO vm_checkpoint (vmid, version, seq, recorded_at, state) "
                      "VALUES (?, ?, ?, ?, ?)");
  q.bind(1, static_cast<int64_t>(s.vmid));
  q.bind(2, static_cast<int64_t>(s.version));
  q.bind(3, static_cast<int64_t>(s.last_seq));
  q.bind(4, static_cast<int64_t>(s.updated_at));
  q.bind(5, state_to_json(s).dump());
  q.exec();
}

std::optional<VmState> ReadModel::checkpoint_before(int64_t vmid, int64_t max_seq, int64_t max_time) {
  SQLite::Statement q(db_,
                      "SELECT state FROM vm_checkpoint WHERE vmid = ? AND seq <= ? AND recorded_at <= ? "
                      "ORDER BY version DESC LIMIT 1");
  q.bind(1, static_cast<int64_t>(vmid));
  q.bind(2, static_cast<int64_t>(max_seq));
  q.bind(3, static_cast<int64_t>(max_time));
  if (q.executeStep()) return parse_row(q.getColumn(0).getString());
  return std::nullopt;
}

std::vector<std::pair<int64_t, int64_t>> ReadModel::changed_since(int64_t seq) {
  std::vector<std::pair<int64_t, int64_t>> out;
  SQLite::Statement q(db_, "SELECT vmid, last_seq FROM vm WHERE last_seq > ? ORDER BY vmid");
  q.bind(1, static_cast<int64_t>(seq));
  while (q.executeStep()) out.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getInt64());
  return out;
}

std::vector<std::pair<int64_t, int64_t>> ReadModel::dirty() {
  std::vector<std::pair<int64_t, int64_t>> out;
  SQLite::Statement q(db_, "SELECT vmid, seq FROM conf_dirty ORDER BY vmid");
  while (q.executeStep()) out.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getInt64());
  return out;
}

void ReadModel::clear_dirty(const std::vector<std::pair<int64_t, int64_t>>& marks) {
  if (marks.empty()) return;
  db_.exec("PRAGMA synchronous = NORMAL");
  try {
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement q(db_, "DELETE FROM conf_dirty WHERE vmid = ? AND seq <= ?");
    for (const auto& [vmid, seq] : marks) {
      q.bind(1, static_cast<int64_t>(vmid));
      q.bind(2, static_cast<int64_t>(seq));
      q.exec();
      q.reset();
    }
    tx.commit();
  } catch (...) {
    db_.exec("PRAGMA synchronous = FULL");
    throw;
  }
  db_.exec("PRAGMA synchronous = FULL");
}

void ReadModel::mark_all_dirty() {
  db_.exec("INSERT OR REPLACE INTO conf_dirty (vmid, seq) SELECT vmid, last_seq FROM vm");
}

void ReadModel::clear() {
  db_.exec("DELETE FROM vm; DELETE FROM vm_checkpoint;");
}

}  // namespace qmd::projections
