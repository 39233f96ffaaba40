-- Read tables of projections/: disposable, rebuilt from the log by `qm rebuild`.

-- One row per VM that exists or existed (exists = 0 after destroy, so that a
-- re-created VMID continues its stream).
CREATE TABLE vm (
  vmid        INTEGER PRIMARY KEY,
  node        TEXT    NOT NULL,
  exists_now  INTEGER NOT NULL,
  version     INTEGER NOT NULL,   -- stream version folded
  last_seq    INTEGER NOT NULL,
  lock        TEXT    NOT NULL,   -- main `lock:` value, '' when unlocked
  status      TEXT    NOT NULL,
  state       TEXT    NOT NULL    -- canonical JSON of projections::VmState
);
CREATE INDEX vm_by_node ON vm(node, vmid);

-- Folded states every N stream versions, so as-of queries fold only the tail.
CREATE TABLE vm_checkpoint (
  vmid        INTEGER NOT NULL,
  version     INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  state       TEXT    NOT NULL,
  PRIMARY KEY (vmid, version)
) WITHOUT ROWID;

-- VMs whose .conf file may not match the read table yet: set in the append
-- transaction, cleared once the file is written. A crash in between leaves the
-- mark, and the next command re-renders the file.
CREATE TABLE conf_dirty (
  vmid INTEGER PRIMARY KEY,
  seq  INTEGER NOT NULL
);
