import type { AuditEntry, AuditReport } from '../../shared/contract/index.ts';
import type { Db } from '../db/open.ts';
import type { Logger } from '../ports.ts';
import { checkAnchor, readAnchor, writeAnchor, type Anchor } from './anchor.ts';
import { verifyChain } from './chain.ts';

/**
 * Reading and verifying the audit log, and keeping its anchor file up to date.
 * Anchor writes are coalesced: a burst of mutations (an import of 200 files)
 * writes the file once, with the newest head.
 */
export class AuditService {
  private pending: Anchor | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly anchorFile: string,
    private readonly anchorKey: Buffer,
    private readonly logger: Logger,
  ) {}

  noteHead(head: Anchor): void {
    if (!this.pending || head.seq > this.pending.seq) this.pending = head;
    this.writing ??= this.flushLoop().finally(() => {
      this.writing = null;
    });
  }

  /**
   * Never rejects: the mutation is committed already, and a failed anchor
   * write (disk full, permissions) must not take the process down. The head
   * stays pending and the next mutation tries again; verify reports a stale
   * anchor as nothing worse than an older anchor.
   */
  private async flushLoop(): Promise<void> {
    while (this.pending) {
      const head = this.pending;
      this.pending = null;
      try {
        // Another process (a CLI import beside the app) may have anchored a later entry: never go back.
        const current = await readAnchor(this.anchorFile, this.anchorKey);
        if (current !== null && current !== 'invalid' && current.seq >= head.seq) continue;
        await writeAnchor(this.anchorFile, this.anchorKey, head);
      } catch (e) {
        this.logger.warn('audit anchor not written; will retry with the next change', { error: (e as NodeJS.ErrnoException).code ?? String(e) });
        const newer = this.pending as Anchor | null; // set meanwhile by noteHead
        if (!newer || newer.seq < head.seq) this.pending = head;
        return;
      }
    }
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  list(entityId: string | undefined, limit: number, offset: number): AuditEntry[] {
    const rows = (entityId
      ? this.db.prepare('SELECT * FROM audit_log WHERE entity_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?').all(entityId, limit, offset)
      : this.db.prepare('SELECT * FROM audit_log ORDER BY seq DESC LIMIT ? OFFSET ?').all(limit, offset)) as Array<{
      seq: number; at: string; actor: string; action: string; entity_type: string; entity_id: string; data: string; hash: string;
    }>;
    return rows.map((r) => ({
      seq: r.seq, at: r.at, actor: r.actor, action: r.action, entityType: r.entity_type, entityId: r.entity_id,
      data: JSON.parse(r.data) as unknown, hash: r.hash,
    }));
  }

  async verify(): Promise<AuditReport> {
    await this.flush();
    const anchor = await readAnchor(this.anchorFile, this.anchorKey);
    const chain = verifyChain(this.db, anchor === null || anchor === 'invalid' ? null : anchor.seq);
    const problems = [...chain.problems, ...checkAnchor(anchor, chain.hashAtAnchor, chain.entries)];
    return {
      ok: problems.length === 0,
      entries: chain.entries,
      headHash: chain.head?.hash ?? null,
      anchored: anchor !== null && anchor !== 'invalid',
      problems,
    };
  }
}
