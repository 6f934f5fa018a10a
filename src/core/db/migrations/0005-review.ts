/**
 * Review: a person accepts, rejects, edits, reclassifies or annotates each
 * finding, or adds one the model missed. `findings` is rebuilt (SQLite cannot
 * drop a NOT NULL) so that `analysis_id` may be NULL for a reviewer-added
 * finding, and gains who decided what: `version` for optimistic concurrency,
 * `model_class`/`model_box` keep what the model proposed when a reviewer
 * changes it. Every decision is a `decisions` row with before/after
 * snapshots (what undo restores); `threshold_overrides` hold a reviewer's
 * per-class score threshold for a model, used by later detections.
 */
export default `
ALTER TABLE findings RENAME TO findings_v4;
CREATE TABLE findings (
  id             TEXT PRIMARY KEY,
  analysis_id    TEXT REFERENCES analyses(id) ON DELETE RESTRICT,
  job_id         TEXT NOT NULL REFERENCES jobs(id) ON DELETE RESTRICT,
  asset_id       TEXT NOT NULL REFERENCES assets(id) ON DELETE RESTRICT,
  class          TEXT NOT NULL,
  score          REAL NOT NULL CHECK (score >= 0 AND score <= 1),
  x1             REAL NOT NULL,
  y1             REAL NOT NULL,
  x2             REAL NOT NULL,
  y2             REAL NOT NULL,
  polygon        TEXT,
  status         TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'rejected', 'edited')),
  created_at     TEXT NOT NULL,
  source         TEXT NOT NULL DEFAULT 'model' CHECK (source IN ('model', 'reviewer')),
  version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  note           TEXT,
  reject_reason  TEXT,
  decided_by     TEXT,
  decided_at     TEXT,
  model_class    TEXT,
  model_box      TEXT,
  CHECK (x2 >= x1 AND y2 >= y1),
  CHECK ((source = 'model') = (analysis_id IS NOT NULL))
) STRICT;
INSERT INTO findings (id, analysis_id, job_id, asset_id, class, score, x1, y1, x2, y2, polygon, status, created_at, model_class, model_box)
  SELECT id, analysis_id, job_id, asset_id, class, score, x1, y1, x2, y2, polygon, status, created_at, class, json_array(x1, y1, x2, y2)
  FROM findings_v4;
DROP TABLE findings_v4;
-- Review over a job's current findings (100k and more) reads indexes only: counts and totals
-- per analysis (findings_by_analysis, covering the filters), pages walked in score order
-- with the "latest analysis" check and the filters in the index (findings_by_*_score).
CREATE INDEX findings_by_analysis ON findings (analysis_id, status, class, score);
CREATE INDEX findings_by_asset ON findings (asset_id, status);
CREATE INDEX findings_by_job ON findings (job_id, class);
CREATE INDEX findings_by_job_score ON findings (job_id, score, analysis_id, status, class);
CREATE INDEX findings_by_asset_score ON findings (asset_id, score, analysis_id, status, class);
CREATE INDEX analyses_by_model ON analyses (model_id, status);

CREATE TABLE decisions (
  id          TEXT PRIMARY KEY,
  finding_id  TEXT NOT NULL REFERENCES findings(id) ON DELETE RESTRICT,
  job_id      TEXT NOT NULL REFERENCES jobs(id) ON DELETE RESTRICT,
  asset_id    TEXT NOT NULL REFERENCES assets(id) ON DELETE RESTRICT,
  action      TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'edit', 'reclass', 'add', 'note', 'undo')),
  before      TEXT,
  after       TEXT NOT NULL,
  reviewer    TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  CHECK ((action = 'add') = (before IS NULL))
) STRICT;
CREATE INDEX decisions_by_finding ON decisions (finding_id, created_at);
CREATE INDEX decisions_by_job ON decisions (job_id, created_at);

CREATE TABLE threshold_overrides (
  model_id   TEXT NOT NULL,
  class      TEXT NOT NULL,
  threshold  REAL NOT NULL CHECK (threshold >= 0 AND threshold <= 1),
  set_by     TEXT NOT NULL,
  set_at     TEXT NOT NULL,
  PRIMARY KEY (model_id, class)
) STRICT;
`;
