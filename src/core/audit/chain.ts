import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Db } from '../db/open.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  data: unknown;
}

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  data: string;
  prev_hash: string;
  hash: string;
}

/** The hash covers every column but itself, in a canonical (RFC 8785) encoding. */
export function rowHash(row: Omit<AuditRow, 'hash'>): string {
  const body = canonicalize([row.seq, row.at, row.actor, row.action, row.entity_type, row.entity_id, row.data, row.prev_hash]);
  return createHash('sha256').update(body ?? '').digest('hex');
}

/**
 * Appends one row chained to the previous one. Must run inside the caller's
 * write transaction, so the mutation and its audit row commit together.
 */
export function appendAudit(db: Db, at: Date, input: AuditInput): { seq: number; hash: string } {
  if (!db.inTransaction) throw new Error('appendAudit must run inside the mutation’s transaction');
  const head = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
    | { seq: number; hash: string }
    | undefined;
  const row = {
    seq: (head?.seq ?? 0) + 1,
    at: at.toISOString(),
    actor: input.actor,
    action: input.action,
    entity_type: input.entityType,
    entity_id: input.entityId,
    data: canonicalize(input.data ?? null) ?? 'null',
    prev_hash: head?.hash ?? GENESIS_HASH,
  };
  const hash = rowHash(row);
  db.prepare(
    `INSERT INTO audit_log (seq, at, actor, action, entity_type, entity_id, data, prev_hash, hash)
     VALUES (@seq, @at, @actor, @action, @entity_type, @entity_id, @data, @prev_hash, @hash)`,
  ).run({ ...row, hash });
  return { seq: row.seq, hash };
}

export interface ChainProblem {
  seq: number;
  kind: 'edited' | 'inserted' | 'deleted' | 'truncated' | 'anchor-invalid';
  message: string;
}

/**
 * Walks the whole log. An edited row no longer matches its own hash; a row
 * inserted or deleted in the middle breaks the sequence and the link to its
 * predecessor. Deleting rows at the end is caught by the anchor (see anchor.ts),
 * whose entry's hash is picked up on the way (`anchorSeq`): one pass, constant memory.
 */
export function verifyChain(db: Db, anchorSeq: number | null = null): { entries: number; head: { seq: number; hash: string } | null; problems: ChainProblem[]; hashAtAnchor: string | null } {
  const problems: ChainProblem[] = [];
  let hashAtAnchor: string | null = null;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  let head: { seq: number; hash: string } | null = null;
  for (const row of db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    entries++;
    if (row.seq !== expectedSeq) {
      problems.push(
        row.seq > expectedSeq
          ? { seq: expectedSeq, kind: 'deleted', message: `entries ${expectedSeq}–${row.seq - 1} are missing` }
          : { seq: row.seq, kind: 'inserted', message: `entry ${row.seq} is out of sequence` },
      );
    }
    if (rowHash(row) !== row.hash) {
      problems.push({ seq: row.seq, kind: 'edited', message: `entry ${row.seq} was changed after it was written` });
    } else if (row.prev_hash !== prevHash) {
      problems.push({ seq: row.seq, kind: 'inserted', message: `entry ${row.seq} does not follow the entry before it` });
    }
    if (row.seq === anchorSeq) hashAtAnchor = row.hash;
    prevHash = row.hash;
    expectedSeq = row.seq + 1;
    head = { seq: row.seq, hash: row.hash };
  }
  return { entries, head, problems, hashAtAnchor };
}
