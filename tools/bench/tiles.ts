/**
 * Image display benchmark: `npm run bench`.
 *
 * On a generated 8000x2000 16-bit radiograph stored in a real (encrypted)
 * BlobStore, measures what the viewer pays: the first imageInfo (read +
 * decrypt + decode + window + 8-bit mapping), full-resolution tiles warm,
 * each lower level's first tile (which builds that level) and a warm one,
 * thumbnails, how long the event loop was held, and memory. Times are also
 * given as ratios to a baseline measured in the same run: sharp decoding the
 * same TIFF to raw 16-bit samples once (= 1.0), so numbers compare across
 * machines. It asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { ImageCache } from '../../src/core/media/image-cache.ts';
import { MediaService, type ImageAsset } from '../../src/core/media/media-service.ts';
import { PNG_COMPRESSION, TILE_SIZE } from '../../src/core/media/pyramid.ts';
import { BlobStore } from '../../src/core/store/blob-store.ts';
import { radiographTiff } from '../../tests/helpers/radiograph.ts';

const WIDTH = 8000;
const HEIGHT = 2000;
const ROUNDS = 5;

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Median of `rounds` runs (after one warm-up run), in ms. */
async function median(fn: () => Promise<unknown>, rounds = ROUNDS): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) times.push((await time(fn)).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const rows: Array<[string, number, string]> = [];
let baseline = 1;
function report(what: string, ms: number, note = ''): void {
  rows.push([what, ms, note]);
  console.log(`${what.padEnd(52)} ${ms.toFixed(1).padStart(9)} ms ${(ms / baseline).toFixed(3).padStart(8)}x  ${note}`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chitti-bench-'));
  try {
    console.log(`Chitti tile bench: ${WIDTH}x${HEIGHT} 16-bit grey TIFF, tile ${TILE_SIZE}, node ${process.version}, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? 'default (4)'}`);
    const tiff = await radiographTiff(WIDTH, HEIGHT);
    const file = path.join(dir, 'radiograph.tif');
    await writeFile(file, tiff);
    const store = new BlobStore(path.join(dir, 'store'), randomBytes(32), randomBytes(32));
    const { sha256 } = await store.putFile(file, 4 * 1024 ** 3);
    const asset: ImageAsset = { id: 'ast_00000000000000000000', kind: 'image', mime: 'image/tiff', sha256, size: tiff.length };
    console.log(`TIFF (deflate): ${mib(tiff.length)}; raw 16-bit samples ${mib(WIDTH * HEIGHT * 2)}\n`);

    // Baseline: what sharp alone needs to turn this TIFF into raw 16-bit samples, once.
    baseline = await median(() => sharp(tiff).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer());
    console.log(`${'step'.padEnd(52)} ${'time'.padStart(12)} ${'ratio'.padStart(9)}`);
    report('baseline: sharp TIFF → raw 16-bit (median of 5)', baseline, '= 1.0');
    report('BlobStore.read (decrypt + verify sha256)', await median(() => store.read(sha256)));

    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const cache = new ImageCache();
    const media = new MediaService(store, { cache });
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const first = await time(() => media.imageInfo(asset));
    loop.disable();
    const rss1 = process.memoryUsage().rss;
    const info = first.value;
    report('first imageInfo (read, decode, window, map)', first.ms, `levels ${info.levels}, window ${JSON.stringify(info.displayWindow)}`);
    console.log(`${''.padEnd(52)} event loop held at most ${(loop.max / 1e6).toFixed(1)} ms (mean ${(loop.mean / 1e6).toFixed(1)} ms) during it`);
    report('imageInfo again (cached)', await median(() => media.imageInfo(asset)));

    const top = info.levels - 1;
    const columns = Math.ceil(WIDTH / TILE_SIZE);
    const tileRows = Math.ceil(HEIGHT / TILE_SIZE);
    // Full resolution: every tile once (nothing to build), then one tile as a median.
    const all = await time(async () => {
      for (let y = 0; y < tileRows; y++) for (let x = 0; x < columns; x++) await media.tile(asset, top, x, y);
    });
    report(`full-res tiles, all ${columns * tileRows}, per tile (serial)`, all.ms / (columns * tileRows));
    report('full-res tile (7, 2) warm (median)', await median(() => media.tile(asset, top, 7, 2)));
    const parallel = await time(() => Promise.all(Array.from({ length: columns * tileRows }, (_, i) => media.tile(asset, top, i % columns, Math.floor(i / columns)))));
    report(`full-res tiles, all ${columns * tileRows} at once, per tile`, parallel.ms / (columns * tileRows));

    // Lower levels, top-down (as a viewer zooming out); the first tile of each builds its level.
    for (let level = top - 1; level >= 0; level--) {
      const size = { w: Math.ceil(WIDTH / 2 ** (top - level)), h: Math.ceil(HEIGHT / 2 ** (top - level)) };
      const cold = await time(() => media.tile(asset, level, 0, 0));
      const warm = await median(() => media.tile(asset, level, 0, 0));
      report(`level ${String(level).padStart(2)} (${size.w}x${size.h}) first tile / builds level`, cold.ms, `warm ${warm.toFixed(2)} ms, ${cold.value.body.length} B`);
    }
    const rss2 = process.memoryUsage().rss;

    // A fresh cache, levels built bottom-up (OpenSeadragon asks for low levels first): level 0 builds all of them.
    const fresh = new MediaService(store, { cache: new ImageCache() });
    await fresh.imageInfo(asset);
    report('fresh cache: level 0 first (builds levels 12..0)', (await time(() => fresh.tile(asset, 0, 0, 0))).ms);

    for (const size of [128, 256, 512]) {
      const made = await time(() => media.thumbnail(asset, size));
      report(`thumbnail ${size} from the cached pyramid`, made.ms, `${made.value.body.length} B`);
    }
    const coldThumb = new MediaService(store, { cache: new ImageCache() });
    report('thumbnail 256, nothing cached (decodes)', (await time(() => coldThumb.thumbnail(asset, 256))).ms);

    // PNG zlib level for grey tiles: the encode is most of a warm tile's cost.
    const { data: full } = await sharp(tiff).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    const tile8 = Buffer.alloc(TILE_SIZE * TILE_SIZE);
    const s16 = new Uint16Array(full.buffer, full.byteOffset, full.length / 2);
    for (let y = 0; y < TILE_SIZE; y++) for (let x = 0; x < TILE_SIZE; x++) tile8[y * TILE_SIZE + x] = Math.max(0, Math.min(255, (s16[(1024 + y) * WIDTH + 3584 + x]! - 10000) >> 4));
    for (const level of [1, 2, 6, 9]) {
      let bytes = 0;
      const ms = await median(async () => {
        bytes = (await sharp(tile8, { raw: { width: TILE_SIZE, height: TILE_SIZE, channels: 1 } }).png({ compressionLevel: level }).toBuffer()).length;
      });
      report(`PNG encode of one 512x512 grey tile, zlib level ${level}${level === PNG_COMPRESSION ? ' (used)' : ''}`, ms, `${bytes} B`);
    }

    const stats = cache.stats();
    console.log(`\ncache: ${stats.entries} image(s), ${mib(stats.bytes)} of ${mib(stats.maxBytes)} (full-res 8-bit ${mib(WIDTH * HEIGHT)} + levels), decodes ${stats.decodes}, hits ${stats.hits}; thumbnails ${stats.thumbnails.entries}, ${(stats.thumbnails.bytes / 1024).toFixed(1)} KiB`);
    console.log(`RSS: before ${mib(rss0)}, after first imageInfo +${mib(rss1 - rss0)}, after every level +${mib(rss2 - rss0)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
