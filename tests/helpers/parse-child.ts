/**
 * Parses one file in a process of its own and prints what happened as JSON,
 * with the process's peak resident memory: tests run it to show that a
 * decompression bomb is refused without the memory it would take.
 *
 *   node --import tsx tests/helpers/parse-child.ts <file>
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseDocument } from '../../src/core/parse/index.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: parse-child.ts <file>');
const bytes = new Uint8Array(await readFile(file));
let outcome: { ok: true; pages: number } | { ok: false; code: string; message: string };
try {
  const doc = await parseDocument(bytes);
  outcome = { ok: true, pages: doc.pageCount };
} catch (e) {
  const err = e as { code?: string; message?: string };
  outcome = { ok: false, code: err.code ?? 'THROWN', message: err.message ?? String(e) };
}
/**
 * Peak resident memory of this process. On Linux, getrusage's maxRSS (what
 * process.resourceUsage() reports) survives exec: a child forked from a big
 * test worker starts with the worker's peak. /proc/self/status's VmHWM belongs
 * to this process image alone, so it is used where it exists.
 */
function peakRssMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024; // KiB
}
process.stdout.write(`${JSON.stringify({ ...outcome, maxRssMb: peakRssMb() })}\n`);
