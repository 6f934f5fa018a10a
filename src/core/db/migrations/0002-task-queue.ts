export default `
CREATE TABLE tasks (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,
  job_id       TEXT REFERENCES jobs(id) ON DELETE RESTRICT,
  status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'cancelling', 'done', 'failed', 'cancelled')),
  params       TEXT NOT NULL,
  expanded     INTEGER NOT NULL DEFAULT 0,
  error        TEXT,
  created_at   TEXT NOT NULL,
  started_at   TEXT,
  finished_at  TEXT
) STRICT;

CREATE TABLE task_items (
  task_id     TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  source      TEXT NOT NULL,
  name        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('pending', 'imported', 'duplicate', 'failed', 'cancelled')),
  asset_id    TEXT REFERENCES assets(id),
  error_code  TEXT,
  message     TEXT,
  PRIMARY KEY (task_id, seq)
) STRICT;
`;
