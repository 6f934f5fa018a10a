import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file so that a reader (or a crash) sees the old content or the new,
 * never half: write a temp file beside it, fsync, then rename (or link, when
 * the target must not exist yet).
 */
export async function writeFileAtomic(
  target: string,
  data: string | Buffer,
  options: { exclusive?: boolean; mode?: number } = {},
): Promise<void> {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', options.mode ?? 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await handle.close();
  try {
    if (options.exclusive) await link(tmp, target); // fails with EEXIST instead of overwriting
    else await rename(tmp, target);
  } finally {
    await unlink(tmp).catch(() => {});
  }
}
