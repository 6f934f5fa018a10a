/**
 * Documents reviewed against checklist frameworks.
 *  - `document_models`: a document's parsed structure, kept so the viewer and
 *    later reviews do not parse it again (keyed by asset and parser version).
 *  - `checklist_reviews`: one framework applied to one document by one task,
 *    with a snapshot of the framework as it was (a review stays readable when
 *    the framework file changes or is removed).
 *  - `checklist_results`: per item the AI's proposal and the person's current
 *    decision, versioned like findings (CONFLICT on a stale version).
 *  - `checklist_decisions`: every decision with before/after (what undo restores).
 *  - `feedback_memory`: rejected proposals per framework item and feedback
 *    text, so the same feedback ranks lower next time and the reviewer can see why.
 */
export default `
CREATE TABLE document_models (
  asset_id        TEXT NOT NULL REFERENCES assets(id) ON DELETE RESTRICT,
  parser_version  TEXT NOT NULL,
  model           TEXT NOT NULL,
  page_count      INTEGER NOT NULL,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (asset_id, parser_version)
) STRICT;

CREATE TABLE checklist_reviews (
  id                 TEXT PRIMARY KEY,
  job_id             TEXT NOT NULL REFERENCES jobs(id) ON DELETE RESTRICT,
  asset_id           TEXT NOT NULL REFERENCES assets(id) ON DELETE RESTRICT,
  task_id            TEXT NOT NULL REFERENCES tasks(id) ON DELETE RESTRICT,
  framework_id       TEXT NOT NULL,
  framework_version  TEXT NOT NULL,
  framework_title    TEXT NOT NULL,
  framework          TEXT NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('done', 'failed')),
  error_code         TEXT,
  message            TEXT,
  layers             TEXT NOT NULL DEFAULT '[]',
  warnings           TEXT NOT NULL DEFAULT '[]',
  page_count         INTEGER NOT NULL DEFAULT 0,
  duration_ms        INTEGER,
  created_at         TEXT NOT NULL,
  UNIQUE (task_id, asset_id),
  CHECK ((status = 'failed') = (error_code IS NOT NULL))
) STRICT;
CREATE INDEX checklist_reviews_by_job ON checklist_reviews (job_id, created_at);
CREATE INDEX checklist_reviews_by_asset ON checklist_reviews (asset_id, created_at);

CREATE TABLE checklist_results (
  id             TEXT PRIMARY KEY,
  review_id      TEXT NOT NULL REFERENCES checklist_reviews(id) ON DELETE RESTRICT,
  seq            INTEGER NOT NULL,
  item_id        TEXT,
  section        TEXT NOT NULL,
  title          TEXT NOT NULL,
  requirement    TEXT NOT NULL,
  severity       TEXT NOT NULL CHECK (severity IN ('high', 'medium', 'low')),
  guidance       TEXT,
  proposal       TEXT,
  decision       TEXT NOT NULL DEFAULT 'proposed' CHECK (decision IN ('proposed', 'accepted', 'rejected', 'edited')),
  status         TEXT NOT NULL CHECK (status IN ('met', 'partial', 'not_met', 'not_applicable')),
  feedback       TEXT NOT NULL,
  anchor         TEXT,
  note           TEXT,
  reject_reason  TEXT,
  decided_by     TEXT,
  decided_at     TEXT,
  version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at     TEXT NOT NULL,
  UNIQUE (review_id, seq),
  CHECK ((item_id IS NULL) = (proposal IS NULL))
) STRICT;

CREATE TABLE checklist_decisions (
  id          TEXT PRIMARY KEY,
  result_id   TEXT NOT NULL REFERENCES checklist_results(id) ON DELETE RESTRICT,
  review_id   TEXT NOT NULL REFERENCES checklist_reviews(id) ON DELETE RESTRICT,
  action      TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'set-status', 'edit-feedback', 'note', 'add', 'undo')),
  before      TEXT,
  after       TEXT NOT NULL,
  reviewer    TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  CHECK ((action = 'add') = (before IS NULL))
) STRICT;
CREATE INDEX checklist_decisions_by_result ON checklist_decisions (result_id, created_at);
CREATE INDEX checklist_decisions_by_review ON checklist_decisions (review_id);

CREATE TABLE feedback_memory (
  framework_id   TEXT NOT NULL,
  item_id        TEXT NOT NULL,
  feedback_key   TEXT NOT NULL,
  feedback       TEXT NOT NULL,
  rejected       INTEGER NOT NULL DEFAULT 0 CHECK (rejected >= 0),
  last_reason    TEXT,
  last_at        TEXT NOT NULL,
  PRIMARY KEY (framework_id, item_id, feedback_key)
) STRICT;
`;
