#include "events/pg_session.h"

#include <vector>

namespace qmd::events {

namespace {

class PgRow final : public SqlRow {
 public:
  PgRow(const PgResult& r, int row) : r_(r), row_(row) {}
  int64_t int64(int col) const override { return r_.int64(row_, col); }
  std::string_view text(int col) const override { return r_.text(row_, col); }

 private:
  const PgResult& r_;
  int row_;
};

}  // namespace

PgTransaction::PgTransaction(PgConnection& conn, std::string_view begin) : conn_(conn) {
  conn_.exec_script(begin, "BEGIN");
  open_ = true;
}

PgTransaction::~PgTransaction() {
  if (!open_) return;
  try {
    conn_.exec_script("ROLLBACK", "ROLLBACK");
  } catch (const PgError&) {
    // A lost connection has rolled back already.
  }
}

void PgTransaction::commit() {
  open_ = false;  // a failed COMMIT has ended the transaction too
  conn_.exec_script("COMMIT", "COMMIT");
}

const std::string& PgSession::translated(std::string_view sql) {
  auto it = translations_.find(std::string(sql));
  if (it != translations_.end()) return it->second;
  std::string out;
  int n = 0;
  for (char c : sql) {
    if (c == '?')
      out += "$" + std::to_string(++n);
    else
      out += c;
  }
  return translations_.emplace(std::string(sql), std::move(out)).first->second;
}

void PgSession::run(std::string_view sql, std::initializer_list<SqlParam> params, const SqlRowFn& row) {
  std::vector<PgParam> pg;
  pg.reserve(params.size());
  for (const SqlParam& p : params) std::visit([&](const auto& v) { pg.emplace_back(v); }, p);
  PgResult r = conn_.exec(translated(sql), pg, true, "read tables");
  if (!row) return;
  for (int i = 0; i < r.rows(); ++i) row(PgRow(r, i));
}

void PgSession::transaction(const std::function<void()>& fn, Durability durability) {
  PgTransaction txn(conn_, durability == Durability::Unsynced
                               ? "BEGIN; SET LOCAL synchronous_commit = off; SELECT 1 FROM log_head FOR UPDATE"
                               : "BEGIN; SELECT 1 FROM log_head FOR UPDATE");
  fn();
  txn.commit();
}

}  // namespace qmd::events
