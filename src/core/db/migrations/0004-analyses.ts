/**
 * Detection results: one `analyses` row per (task, asset), done or failed,
 * and the `findings` it proposed. task_items gains the 'analysed' status, so
 * the table is rebuilt (SQLite cannot alter a CHECK) under its own name;
 * tasks gain the code of the error that failed them.
 */
export default `
ALTER TABLE tasks ADD COLUMN error_code TEXT;

ALTER TABLE task_items RENAME TO task_items_v3;
CREATE TABLE task_items (
  task_id     TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  source      TEXT NOT NULL,
  name        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('pending', 'imported', 'duplicate', 'analysed', 'failed', 'cancelled')),
  asset_id    TEXT REFERENCES assets(id),
  error_code  TEXT,
  message     TEXT,
  PRIMARY KEY (task_id, seq)
) STRICT;
INSERT INTO task_items (task_id, seq, source, name, status, asset_id, error_code, message)
  SELECT task_id, seq, source, name, status, asset_id, error_code, message FROM task_items_v3;
DROP TABLE task_items_v3;
CREATE INDEX task_items_by_status ON task_items (task_id, status);

CREATE TABLE analyses (
  id             TEXT PRIMARY KEY,
  job_id         TEXT NOT NULL REFERENCES jobs(id) ON DELETE RESTRICT,
  asset_id       TEXT NOT NULL REFERENCES assets(id) ON DELETE RESTRICT,
  task_id        TEXT NOT NULL REFERENCES tasks(id) ON DELETE RESTRICT,
  model_id       TEXT NOT NULL,
  model_version  TEXT NOT NULL,
  model_sha256   TEXT NOT NULL CHECK (length(model_sha256) = 64),
  settings       TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('done', 'failed')),
  error_code     TEXT,
  message        TEXT,
  duration_ms    INTEGER,
  width          INTEGER,
  height         INTEGER,
  created_at     TEXT NOT NULL,
  UNIQUE (task_id, asset_id),
  CHECK ((status = 'failed') = (error_code IS NOT NULL))
) STRICT;
CREATE INDEX analyses_by_asset ON analyses (asset_id, created_at);
CREATE INDEX analyses_by_job ON analyses (job_id, created_at);

CREATE TABLE findings (
  id           TEXT PRIMARY KEY,
  analysis_id  TEXT NOT NULL REFERENCES analyses(id) ON DELETE RESTRICT,
  job_id       TEXT NOT NULL REFERENCES jobs(id) ON DELETE RESTRICT,
  asset_id     TEXT NOT NULL REFERENCES assets(id) ON DELETE RESTRICT,
  class        TEXT NOT NULL,
  score        REAL NOT NULL CHECK (score >= 0 AND score <= 1),
  x1           REAL NOT NULL,
  y1           REAL NOT NULL,
  x2           REAL NOT NULL,
  y2           REAL NOT NULL,
  polygon      TEXT,
  status       TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'rejected', 'edited')),
  created_at   TEXT NOT NULL,
  CHECK (x2 >= x1 AND y2 >= y1)
) STRICT;
CREATE INDEX findings_by_analysis ON findings (analysis_id);
CREATE INDEX findings_by_asset ON findings (asset_id, status);
CREATE INDEX findings_by_job ON findings (job_id, class);
`;
