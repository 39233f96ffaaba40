-- The event log: append-only, one row per fact. Written only by events/sqlite_store.cpp
-- (PostgreSQL: migrations/postgresql/0001_events.sql, the same rows).
-- seq is assigned by the store as head + 1 inside a BEGIN IMMEDIATE transaction,
-- so it is gapless (rows are never deleted, see the triggers below).
CREATE TABLE events (
  seq          INTEGER PRIMARY KEY,
  event_id     TEXT    NOT NULL UNIQUE,
  stream       TEXT    NOT NULL CHECK (stream <> ''),
  version      INTEGER NOT NULL CHECK (version >= 1),
  type         TEXT    NOT NULL CHECK (type <> ''),
  schema       INTEGER NOT NULL,
  payload      TEXT    NOT NULL,   -- JSON, exactly as hashed (nlohmann dump(), keys sorted)
  meta         TEXT    NOT NULL,   -- JSON of events::Meta, exactly as hashed
  recorded_at  INTEGER NOT NULL,   -- UTC milliseconds since the epoch, never decreasing with seq
  hash         TEXT    NOT NULL,   -- lowercase hex SHA-256, see events/hash_chain.h
  UNIQUE (stream, version)         -- also the index for reading a stream in order
);

-- As-of reads by time.
CREATE INDEX events_by_time ON events (recorded_at);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;
