import type { EventName, EventPayload } from '../../shared/contract/index.ts';
import { appendAudit, type AuditInput } from '../audit/chain.ts';
import type { Db } from '../db/open.ts';

export interface Tx {
  readonly db: Db;
  readonly now: Date;
  /** Who is making this change (the audit entries' actor). */
  readonly actor: string;
  /** Writes the audit row for this mutation, in this transaction. */
  audit(entry: Omit<AuditInput, 'actor'>): void;
  /** Queues an event; it is emitted only if the transaction commits. */
  emit<N extends EventName>(name: N, payload: EventPayload<N>): void;
}

export interface UnitOfWorkDeps {
  db: Db;
  clock: () => Date;
  actor: () => string;
  emit: <N extends EventName>(name: N, payload: EventPayload<N>) => void;
  onAudited: (head: { seq: number; hash: string }) => void;
}

/**
 * Runs a mutation in one IMMEDIATE transaction (taking the write lock up front,
 * so the audit chain's "read head, append" cannot interleave with another
 * writer) and only after commit lets the world know: events, anchor.
 */
export function createUnitOfWork(deps: UnitOfWorkDeps) {
  return function write<T>(fn: (tx: Tx) => T): T {
    const events: Array<[EventName, unknown]> = [];
    let head: { seq: number; hash: string } | null = null;
    const now = deps.clock();
    const actor = deps.actor();
    const result = deps.db
      .transaction(() =>
        fn({
          db: deps.db,
          now,
          actor,
          audit: (entry) => {
            head = appendAudit(deps.db, now, { ...entry, actor });
          },
          emit: (name, payload) => {
            events.push([name, payload]);
          },
        }),
      )
      .immediate();
    if (head) deps.onAudited(head);
    for (const [name, payload] of events) deps.emit(name, payload as never);
    return result;
  };
}

export type Write = ReturnType<typeof createUnitOfWork>;
