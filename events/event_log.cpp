#include "events/event_log.h"

#include "events/database.h"
#include "events/pg_connection.h"
#include "events/pg_store.h"
#include "events/sqlite_store.h"

namespace qmd::events {

EventLog::~EventLog() = default;

std::unique_ptr<EventLog> EventLog::open(const std::string& db, Clock clock) {
  std::unique_ptr<EventLog> log(new EventLog());
  log->location_ = describe_database(db);
  if (is_postgresql(db)) {
    log->pg_ = PgDatabase::open(db);
    log->store_ = std::make_unique<PgEventStore>(*log->pg_, std::move(clock));
    log->session_ = &log->pg_->session();
  } else {
    log->sqlite_ = Database::open(db);
    log->store_ = std::make_unique<SqliteEventStore>(*log->sqlite_, std::move(clock));
    log->session_ = &log->sqlite_->session();
  }
  return log;
}

}  // namespace qmd::events
