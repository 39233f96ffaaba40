-- Read tables of projections/ (the same as migrations/sqlite/0002_read_model.sql):
-- disposable, rebuilt from the log by `qm rebuild`, written in the append's transaction.

CREATE TABLE vm (
  vmid        bigint  PRIMARY KEY,
  node        text    NOT NULL,
  exists_now  integer NOT NULL,
  version     bigint  NOT NULL,   -- stream version folded
  last_seq    bigint  NOT NULL,
  lock        text    NOT NULL,   -- main `lock:` value, '' when unlocked
  status      text    NOT NULL,
  state       text    NOT NULL    -- canonical JSON of projections::VmState
);
CREATE INDEX vm_by_node ON vm (node, vmid);
CREATE INDEX vm_by_last_seq ON vm (last_seq);

CREATE TABLE vm_checkpoint (
  vmid        bigint  NOT NULL,
  version     bigint  NOT NULL,
  seq         bigint  NOT NULL,
  recorded_at bigint  NOT NULL,
  state       text    NOT NULL,
  PRIMARY KEY (vmid, version)
);

CREATE TABLE conf_dirty (
  vmid bigint PRIMARY KEY,
  seq  bigint NOT NULL
);
