#include "events/pg_connection.h"

#include <libpq-fe.h>

#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace qmd::events {

namespace {

std::string trimmed(const char* s) {
  std::string out = s ? s : "";
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

}  // namespace

bool is_postgresql(std::string_view db) {
  if (db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0) return true;
  // conninfo: a keyword, optional blanks, '='. A file path has a '/' or '.'
  // before any '=' (or no '=' at all).
  size_t i = 0;
  while (i < db.size() && std::isspace(static_cast<unsigned char>(db[i]))) ++i;
  const size_t start = i;
  while (i < db.size() && (std::isalnum(static_cast<unsigned char>(db[i])) || db[i] == '_')) ++i;
  if (i == start) return false;
  while (i < db.size() && db[i] == ' ') ++i;
  return i < db.size() && db[i] == '=';
}

std::string describe_database(const std::string& db) {
  if (!is_postgresql(db)) return db;
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(db.c_str(), &err);
  if (!opts) {
    PQfreemem(err);
    return "postgresql (unparsable connection string)";
  }
  std::string out;
  for (const char* key : {"host", "hostaddr", "port", "dbname", "user"}) {
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
      if (std::string_view(o->keyword) == key && o->val && *o->val) {
        if (!out.empty()) out += ' ';
        out += fmt::format("{}={}", key, o->val);
      }
    }
  }
  PQconninfoFree(opts);
  return out.empty() ? "postgresql (default server)" : out;
}

PgResult::PgResult(pg_result* r) : r_(r) {}
PgResult::~PgResult() {
  if (r_) PQclear(r_);
}
PgResult& PgResult::operator=(PgResult&& o) noexcept {
  if (this != &o) {
    if (r_) PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}
int PgResult::rows() const { return r_ ? PQntuples(r_) : 0; }
bool PgResult::is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
std::string_view PgResult::text(int row, int col) const {
  return std::string_view(PQgetvalue(r_, row, col), static_cast<size_t>(PQgetlength(r_, row, col)));
}
int64_t PgResult::int64(int row, int col) const {
  std::string_view t = text(row, col);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || t.empty())
    throw StoreError(fmt::format("PostgreSQL returned '{}' where an integer was expected (column {})", t,
                                 PQfname(r_, col)));
  return v;
}

PgConnection::PgConnection(const std::string& conninfo) : location_(describe_database(conninfo)) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string why = conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory";
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    throw PgError(fmt::format("cannot connect to the event log at {}: {}", location_, why), "", why);
  }
  // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

PgResult PgConnection::check(pg_result* r, std::string_view what) {
  PgResult owned(r);
  const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return owned;
  std::string sqlstate, primary;
  if (r) {
    if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) sqlstate = s;
    if (const char* s = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)) primary = s;
  }
  if (primary.empty()) primary = trimmed(PQerrorMessage(conn_));
  throw PgError(fmt::format("{} on the event log at {} failed: {}", what, location_, primary), sqlstate,
                primary);
}

PgResult PgConnection::exec(std::string_view sql, const std::vector<PgParam>& params, bool prepare,
                            std::string_view what) {
  // Text-format parameters are NUL-terminated strings for libpq: each is
  // copied into `texts`, whose size is fixed first so the pointers stay valid.
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (size_t i = 0; i < params.size(); ++i) {
    if (const auto* n = std::get_if<int64_t>(&params[i])) {
      texts[i] = std::to_string(*n);
    } else if (const auto* s = std::get_if<std::string_view>(&params[i])) {
      texts[i].assign(s->data(), s->size());
    } else {
      continue;  // NULL
    }
    values[i] = texts[i].c_str();
  }
  const int n = static_cast<int>(params.size());
  if (!prepare) {
    std::string text(sql);
    return check(PQexecParams(conn_, text.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0), what);
  }
  std::string key(sql);
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    std::string name = fmt::format("qmd{}", prepared_.size() + 1);
    check(PQprepare(conn_, name.c_str(), key.c_str(), n, nullptr), what);
    it = prepared_.emplace(std::move(key), std::move(name)).first;
  }
  return check(PQexecPrepared(conn_, it->second.c_str(), n, values.data(), nullptr, nullptr, 0), what);
}

void PgConnection::exec_script(std::string_view sql, std::string_view what) {
  std::string text(sql);
  check(PQexec(conn_, text.c_str()), what);
}

}  // namespace qmd::events
