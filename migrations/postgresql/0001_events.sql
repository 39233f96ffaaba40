-- The event log on PostgreSQL: the same rows as migrations/sqlite/0001_events.sql
-- (same columns, same text, same hash chain), written only by events/pg_store.cpp.
CREATE TABLE events (
  seq          bigint  PRIMARY KEY,
  event_id     text    NOT NULL UNIQUE,
  stream       text    COLLATE "C" NOT NULL CHECK (stream <> ''),  -- bytewise order, as SQLite's
  version      bigint  NOT NULL CHECK (version >= 1),
  type         text    NOT NULL CHECK (type <> ''),
  schema       integer NOT NULL,
  payload      text    NOT NULL,   -- JSON, exactly as hashed (nlohmann dump(), keys sorted)
  meta         text    NOT NULL,   -- JSON of events::Meta, exactly as hashed
  recorded_at  bigint  NOT NULL,   -- UTC milliseconds since the epoch, never decreasing with seq
  hash         text    NOT NULL,   -- lowercase hex SHA-256, see events/hash_chain.h
  UNIQUE (stream, version)         -- also the index for reading a stream in order
);

-- As-of reads by time.
CREATE INDEX events_by_time ON events (recorded_at);

-- The head of the log: one row, taken FOR UPDATE by every append, which then
-- writes seq = head + 1, ... and moves the head, all in its transaction. Appends
-- therefore commit in seq order, so a reader of "seq > last" never skips a row
-- that commits later with a smaller seq (what a sequence/bigserial would allow).
CREATE TABLE log_head (
  one          boolean PRIMARY KEY DEFAULT true CHECK (one),
  seq          bigint  NOT NULL,
  hash         text    NOT NULL,
  recorded_at  bigint  NOT NULL
);
INSERT INTO log_head (seq, hash, recorded_at) VALUES (0, repeat('0', 64), 0);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only';
END $$;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- The head only moves forward and is never removed.
CREATE FUNCTION log_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.seq < OLD.seq THEN
    RAISE EXCEPTION 'the log head only moves forward';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER log_head_only_forward BEFORE UPDATE OR DELETE ON log_head
  FOR EACH ROW EXECUTE FUNCTION log_head_forward();
CREATE TRIGGER log_head_no_truncate BEFORE TRUNCATE ON log_head
  FOR EACH STATEMENT EXECUTE FUNCTION log_head_forward();
