import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandPaths } from '../../src/core/ingest/walk.ts';
import { tempDir } from '../helpers/workspace.ts';

describe('folder walk', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('lists files in name order, recursively, skipping housekeeping inside folders', async () => {
    await mkdir(path.join(dir, 'card', 'DCIM', '.thumbnails'), { recursive: true });
    for (const f of ['card/b.jpg', 'card/a.jpg', 'card/DCIM/c.jpg', 'card/.DS_Store', 'card/._a.jpg', 'card/DCIM/.thumbnails/t.jpg']) {
      await writeFile(path.join(dir, f), 'x');
    }
    const files = await expandPaths([path.join(dir, 'card')]);
    expect(files.map((f) => path.relative(dir, f.source))).toEqual(['card/DCIM/c.jpg', 'card/a.jpg', 'card/b.jpg']);
  });

  it('refuses a walk over the file limit instead of cutting it short', async () => {
    await mkdir(path.join(dir, 'many'));
    for (let i = 0; i < 6; i++) await writeFile(path.join(dir, 'many', `${i}.txt`), 'x');
    await expect(expandPaths([path.join(dir, 'many')], 5)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/more than 5 files/) });
    expect(await expandPaths([path.join(dir, 'many')], 6)).toHaveLength(6);
  });
});
