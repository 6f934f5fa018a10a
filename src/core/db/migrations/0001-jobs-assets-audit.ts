export default `
CREATE TABLE jobs (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  client      TEXT NOT NULL DEFAULT '',
  site        TEXT NOT NULL DEFAULT '',
  component   TEXT NOT NULL DEFAULT '',
  procedure   TEXT NOT NULL DEFAULT '',
  inspector   TEXT NOT NULL DEFAULT '',
  start_date  TEXT,
  end_date    TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE assets (
  id             TEXT PRIMARY KEY,
  job_id         TEXT NOT NULL REFERENCES jobs(id) ON DELETE RESTRICT,
  kind           TEXT NOT NULL CHECK (kind IN ('image', 'document')),
  mime           TEXT NOT NULL,
  size           INTEGER NOT NULL CHECK (size > 0),
  sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
  original_name  TEXT NOT NULL,
  status         TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  UNIQUE (job_id, sha256)
) STRICT;

CREATE TABLE audit_log (
  seq          INTEGER PRIMARY KEY,
  at           TEXT NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  entity_type  TEXT NOT NULL,
  entity_id    TEXT NOT NULL,
  data         TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`;
