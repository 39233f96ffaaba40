-- qmd_append: the group role of the qmd nodes. It reads the log and appends to
-- it, moves the head, and keeps the read tables; it cannot update, delete or
-- truncate events (no grant, and the triggers of 0001 refuse even the owner).
-- Each node logs in as its own role made a member of it (README, "Beyond one host").
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'qmd_append') THEN
    CREATE ROLE qmd_append NOLOGIN;
  END IF;
END $$;

REVOKE ALL ON events, log_head, vm, vm_checkpoint, conf_dirty, qmd_schema FROM PUBLIC;
GRANT SELECT, INSERT ON events TO qmd_append;
GRANT SELECT, UPDATE ON log_head TO qmd_append;
GRANT SELECT, INSERT, UPDATE, DELETE ON vm, vm_checkpoint, conf_dirty TO qmd_append;
GRANT SELECT ON qmd_schema TO qmd_append;
