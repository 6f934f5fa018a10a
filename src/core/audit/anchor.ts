import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../store/atomic-write.ts';
import type { ChainProblem } from './chain.ts';

export const ANCHOR_FILE_NAME = 'audit.anchor.json';

/**
 * The last audit row known to this install, kept outside the database and
 * MACed with a key derived from the master key. A chain alone cannot show
 * that rows were cut from its end; the anchor can.
 */
export interface Anchor {
  seq: number;
  hash: string;
}

const mac = (key: Buffer, a: Anchor) => createHmac('sha256', key).update(`${a.seq}:${a.hash}`).digest('hex');

export async function writeAnchor(file: string, key: Buffer, anchor: Anchor): Promise<void> {
  await writeFileAtomic(file, JSON.stringify({ ...anchor, mac: mac(key, anchor) }) + '\n');
}

export async function readAnchor(file: string, key: Buffer): Promise<Anchor | 'invalid' | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return 'invalid';
  }
  const a = raw as { seq?: unknown; hash?: unknown; mac?: unknown };
  if (typeof a.seq !== 'number' || typeof a.hash !== 'string' || typeof a.mac !== 'string') return 'invalid';
  const expected = Buffer.from(mac(key, { seq: a.seq, hash: a.hash }), 'hex');
  const given = Buffer.from(a.mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return { seq: a.seq, hash: a.hash };
}

export function checkAnchor(anchor: Anchor | 'invalid' | null, hashAtAnchor: string | null, entries: number): ChainProblem[] {
  if (anchor === null) return [];
  if (anchor === 'invalid') return [{ seq: 0, kind: 'anchor-invalid', message: 'the audit anchor file was altered or is damaged' }];
  const found = hashAtAnchor;
  if (found === null) {
    return [{ seq: anchor.seq, kind: 'truncated', message: `the log ends before entry ${anchor.seq}, which this install wrote: entries were removed from its end` }];
  }
  if (found !== anchor.hash) {
    return [{ seq: anchor.seq, kind: 'edited', message: `entry ${anchor.seq} differs from the one this install wrote (log has ${entries} entries)` }];
  }
  return [];
}
