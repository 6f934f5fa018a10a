import type { Job, JobFields, JobId } from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import type { Tx } from '../app/unit-of-work.ts';
import type { Db } from '../db/open.ts';
import { newId } from '../ids.ts';

interface JobRow {
  id: string; name: string; client: string; site: string; component: string; procedure: string; inspector: string;
  start_date: string | null; end_date: string | null; created_at: string; updated_at: string; asset_count: number;
}

const SELECT = `SELECT j.*, (SELECT count(*) FROM assets a WHERE a.job_id = j.id) AS asset_count FROM jobs j`;

const toJob = (r: JobRow): Job => ({
  id: r.id, name: r.name, client: r.client, site: r.site, component: r.component, procedure: r.procedure,
  inspector: r.inspector, startDate: r.start_date, endDate: r.end_date, assetCount: r.asset_count,
  createdAt: r.created_at, updatedAt: r.updated_at,
});

function checkDates(f: Pick<JobFields, 'startDate' | 'endDate'>) {
  if (f.startDate && f.endDate && f.endDate < f.startDate) {
    throw new ChittiError('INVALID_INPUT', `endDate (${f.endDate}) is before startDate (${f.startDate}).`);
  }
}

export function getJob(db: Db, id: JobId): Job {
  const row = db.prepare(`${SELECT} WHERE j.id = ?`).get(id) as JobRow | undefined;
  if (!row) throw new ChittiError('NOT_FOUND', `No job with id ${id}.`);
  return toJob(row);
}

export function listJobs(db: Db, limit: number, offset: number): { jobs: Job[]; total: number } {
  const rows = db.prepare(`${SELECT} ORDER BY j.created_at DESC, j.id LIMIT ? OFFSET ?`).all(limit, offset) as JobRow[];
  const { n } = db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number };
  return { jobs: rows.map(toJob), total: n };
}

export function createJob(tx: Tx, fields: JobFields): Job {
  checkDates(fields);
  const id = newId('job');
  const at = tx.now.toISOString();
  tx.db.prepare(
    `INSERT INTO jobs (id, name, client, site, component, procedure, inspector, start_date, end_date, created_at, updated_at)
     VALUES (@id, @name, @client, @site, @component, @procedure, @inspector, @startDate, @endDate, @at, @at)`,
  ).run({ id, ...fields, at });
  tx.audit({ action: 'job.created', entityType: 'job', entityId: id, data: fields });
  tx.emit('job.changed', { jobId: id });
  return getJob(tx.db, id);
}

export function updateJob(tx: Tx, id: JobId, changes: Partial<JobFields>): Job {
  const before = getJob(tx.db, id);
  const after = { ...before, ...changes };
  checkDates(after);
  const changed = Object.fromEntries(
    Object.entries(changes).filter(([k, v]) => v !== undefined && before[k as keyof JobFields] !== v),
  ) as Partial<JobFields>;
  if (Object.keys(changed).length === 0) return before;
  tx.db.prepare(
    `UPDATE jobs SET name=@name, client=@client, site=@site, component=@component, procedure=@procedure,
     inspector=@inspector, start_date=@startDate, end_date=@endDate, updated_at=@at WHERE id=@id`,
  ).run({ ...after, id, at: tx.now.toISOString() });
  const was = Object.fromEntries(Object.keys(changed).map((k) => [k, before[k as keyof JobFields]]));
  tx.audit({ action: 'job.updated', entityType: 'job', entityId: id, data: { before: was, after: changed } });
  tx.emit('job.changed', { jobId: id });
  return getJob(tx.db, id);
}
