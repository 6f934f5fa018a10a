/**
 * Window/level benchmark: `node --import tsx tools/bench/window-level.ts`.
 *
 * What a reviewer waits for on an 8000x2000 16-bit radiograph (stored in a
 * real encrypted BlobStore): the first render of the visible tiles through
 * the automatic window (read + decrypt + decode + histogram + the levels
 * needed + the tiles), then, in the same run, re-rendering those same tiles
 * after each window change (ADR 0011: the lookup table is applied per tile
 * in the core; no decode). Two views of a 1920x1080 viewer: the whole image
 * fitted to the width (4 tiles of level 11), and 1:1 pixels (15 full-size
 * tiles). Tiles are asked for six at a time, as a browser does. Each window
 * change uses a new window, so no table is reused across changes. It
 * asserts nothing; times are also given as a ratio to the first render.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { ImageCache } from '../../src/core/media/image-cache.ts';
import { MediaService, type ImageAsset, type TileView } from '../../src/core/media/media-service.ts';
import { TILE_SIZE } from '../../src/core/media/pyramid.ts';
import { BlobStore } from '../../src/core/store/blob-store.ts';
import { radiographTiff } from '../../tests/helpers/radiograph.ts';

const WIDTH = 8000;
const HEIGHT = 2000;
const CHANGES = 9;
/** Requests a browser keeps in flight to one host. */
const IN_FLIGHT = 6;

type TileRef = [level: number, x: number, y: number];

/** Tiles of `level` covering a `w`×`h` screen area whose top-left is image pixel (left, top) at that level. */
function visible(level: number, left: number, top: number, w: number, h: number, size: { width: number; height: number }): TileRef[] {
  const tiles: TileRef[] = [];
  const x1 = Math.min(size.width, left + w);
  const y1 = Math.min(size.height, top + h);
  for (let y = Math.floor(top / TILE_SIZE); y * TILE_SIZE < y1; y++) {
    for (let x = Math.floor(left / TILE_SIZE); x * TILE_SIZE < x1; x++) tiles.push([level, x, y]);
  }
  return tiles;
}

async function fetchAll(media: MediaService, asset: ImageAsset, tiles: TileRef[], view: TileView = {}): Promise<number> {
  let bytes = 0;
  const queue = [...tiles];
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    for (let t = queue.shift(); t; t = queue.shift()) bytes += (await media.tile(asset, t[0], t[1], t[2], view)).body.length;
  }));
  return bytes;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chitti-bench-wl-'));
  try {
    console.log(`Chitti window/level bench: ${WIDTH}x${HEIGHT} 16-bit grey TIFF, viewer 1920x1080, node ${process.version}, sharp ${sharp.versions.sharp}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`);
    const tiff = await radiographTiff(WIDTH, HEIGHT);
    const file = path.join(dir, 'radiograph.tif');
    await writeFile(file, tiff);
    const store = new BlobStore(path.join(dir, 'store'), randomBytes(32), randomBytes(32));
    const { sha256 } = await store.putFile(file, 4 * 1024 ** 3);
    const asset: ImageAsset = { id: 'ast_00000000000000000000', kind: 'image', mime: 'image/tiff', sha256, size: tiff.length };

    const views: Array<{ name: string; tiles: (levels: number) => TileRef[] }> = [
      // Fitted to 1920 px: OpenSeadragon draws the level at least that wide, level 11 (2000x500).
      { name: 'fit width (level 11, 4 tiles)', tiles: (levels) => visible(levels - 3, 0, 0, 2000, 500, { width: 2000, height: 500 }) },
      // 1:1 over the middle of the image: 1920x1080 from (3000, 400).
      { name: '1:1 (full resolution, 15 tiles)', tiles: (levels) => visible(levels - 1, 3000, 400, 1920, 1080, { width: WIDTH, height: HEIGHT }) },
    ];

    for (const v of views) {
      const media = new MediaService(store, { cache: new ImageCache() });
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const started = performance.now();
      const info = await media.imageInfo(asset);
      const tiles = v.tiles(info.levels);
      await fetchAll(media, asset, tiles);
      const first = performance.now() - started;
      // The same tiles again, nothing changed (OpenSeadragon would not ask; this is the floor of a re-render).
      const again = performance.now();
      await fetchAll(media, asset, tiles);
      const warm = performance.now() - again;
      const { low, high } = info.displayWindow!;
      const changes: number[] = [];
      let bytes = 0;
      for (let i = 1; i <= CHANGES; i++) {
        // A drag: the window narrows and moves a little each step.
        const view = { low: low + i * 37, high: high - i * 53, invert: i % 3 === 0 };
        const t = performance.now();
        bytes = await fetchAll(media, asset, tiles, view);
        changes.push(performance.now() - t);
      }
      loop.disable();
      const change = median(changes);
      console.log(`\n${v.name}: ${tiles.length} tiles`);
      const row = (what: string, ms: number, note = '') => console.log(`  ${what.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms ${(ms / first).toFixed(3).padStart(7)}x  ${note}`);
      row('first render, automatic window (decode + levels + tiles)', first);
      row('same tiles again, same window', warm);
      row(`after a window change (median of ${CHANGES})`, change, `min ${Math.min(...changes).toFixed(1)}, max ${Math.max(...changes).toFixed(1)} ms; ${(bytes / 1024).toFixed(0)} KiB`);
      console.log(`  event loop held at most ${(loop.max / 1e6).toFixed(1)} ms`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
