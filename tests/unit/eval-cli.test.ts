import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeRle } from '../../src/core/inference/masks.ts';
import { imageId, main as detectMain, parseVocObjects } from '../../tools/eval/detect.ts';
import { classOf, main as segmentMain } from '../../tools/eval/segment.ts';

let dir: string;
let stdout: string[];
let stderr: string[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'chitti-eval-'));
  stdout = [];
  stderr = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void stdout.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void stderr.push(args.join(' ')));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const jsonl = (lines: unknown[]): string => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';

function vocXml(objects: Array<{ name: string; box: [number, number, number, number]; difficult?: number }>): string {
  const body = objects
    .map(
      (o) => `  <object>
    <name>${o.name}</name>
    <pose>Unspecified</pose>
    <difficult>${o.difficult ?? 0}</difficult>
    <bndbox>
      <xmin>${o.box[0]}</xmin>
      <ymin>${o.box[1]}</ymin>
      <xmax>${o.box[2]}</xmax>
      <ymax>${o.box[3]}</ymax>
    </bndbox>
  </object>`,
    )
    .join('\n');
  return `<annotation>\n  <filename>x.jpg</filename>\n  <size><width>200</width><height>200</height><depth>1</depth></size>\n${body}\n</annotation>\n`;
}

describe('detect.ts helpers', () => {
  it('reads VOC objects with the difficult flag', () => {
    const objects = parseVocObjects(vocXml([{ name: 'crazing', box: [1, 10, 108, 121] }, { name: 'patches', box: [5, 6, 7, 8], difficult: 1 }]));
    expect(objects).toEqual([
      { name: 'crazing', difficult: false, xmin: 1, ymin: 10, xmax: 108, ymax: 121 },
      { name: 'patches', difficult: true, xmin: 5, ymin: 6, xmax: 7, ymax: 8 },
    ]);
    expect(() => parseVocObjects('<object><name>a</name><bndbox><xmin>1</xmin></bndbox></object>')).toThrow(/ymin/);
  });

  it('image ids are basenames without extension', () => {
    expect(imageId('/data/images/crazing_1.jpg')).toBe('crazing_1');
    expect(imageId('C:\\data\\patches_7.JPG')).toBe('patches_7');
    expect(imageId('scratches_3')).toBe('scratches_3');
  });
});

describe('detect.ts CLI', () => {
  async function dataset(): Promise<string> {
    const data = path.join(dir, 'neu');
    await mkdir(path.join(data, 'annotations'), { recursive: true });
    await writeFile(path.join(data, 'val.txt'), 'crazing_1\npatches_2\n');
    await writeFile(path.join(data, 'train.txt'), 'crazing_9\n');
    await writeFile(path.join(data, 'annotations', 'crazing_1.xml'), vocXml([{ name: 'crazing', box: [1, 1, 10, 10] }]));
    await writeFile(
      path.join(data, 'annotations', 'patches_2.xml'),
      vocXml([{ name: 'patches', box: [11, 21, 40, 50] }, { name: 'patches', box: [101, 101, 150, 150] }]),
    );
    return data;
  }

  it('scores predictions against the split and writes the JSON report', async () => {
    const data = await dataset();
    const pred = path.join(dir, 'pred.jsonl');
    await writeFile(
      pred,
      jsonl([
        // VOC 1..10 inclusive is [0, 0, 10, 10] here: an exact hit.
        { file: '/x/images/crazing_1.jpg', width: 200, height: 200, model: 'm', detections: [{ class: 'crazing', score: 0.9, box: [0, 0, 10, 10] }] },
        {
          file: 'images/patches_2.jpg',
          width: 200,
          height: 200,
          model: 'm',
          detections: [
            { class: 'patches', score: 0.8, box: [60, 60, 90, 90] }, // false positive ranked first
            { class: 'patches', score: 0.7, box: [10, 20, 40, 50] },
          ],
        },
        // Not in the split: ignored.
        { file: 'crazing_9.jpg', width: 200, height: 200, model: 'm', detections: [{ class: 'crazing', score: 0.99, box: [0, 0, 5, 5] }] },
      ]),
    );
    const out = path.join(dir, 'out.json');
    expect(await detectMain(['--pred', pred, '--data', data, '--split', 'val', '--json', out])).toBe(0);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.split).toBe('val');
    expect(report.images).toBe(2);
    expect(report.per_class.crazing).toMatchObject({ ap50: 1, ap50_95: 1, gt: 1 });
    // FP then TP over 2 ground truths: recall reaches 1/2 at precision 1/2.
    expect(report.per_class.patches.ap50).toBeCloseTo(0.25, 12);
    expect(report.per_class.patches.gt).toBe(2);
    expect(report.per_class.inclusion).toMatchObject({ ap50: null, gt: 0 });
    expect(report.map50).toBeCloseTo((1 + 0.25) / 2, 12);
    expect(Object.keys(report.per_class)).toEqual(['crazing', 'inclusion', 'patches', 'pitted_surface', 'rolled-in_scale', 'scratches']);
    const table = stdout.join('\n');
    expect(table).toMatch(/crazing\s+1\.0000\s+1\.0000\s+1\s+1/);
    expect(table).toMatch(/mean\s+0\.6250/);
  });

  it('--classes restricts and orders the classes', async () => {
    const data = await dataset();
    const pred = path.join(dir, 'pred.jsonl');
    await writeFile(
      pred,
      jsonl([
        { file: 'crazing_1.jpg', detections: [{ class: 'crazing', score: 0.9, box: [0, 0, 10, 10] }] },
        { file: 'patches_2.jpg', detections: [] },
      ]),
    );
    const out = path.join(dir, 'out.json');
    expect(await detectMain(['--pred', pred, '--data', data, '--json', out, '--classes', 'patches,crazing'])).toBe(0);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(Object.keys(report.per_class)).toEqual(['patches', 'crazing']);
    expect(report.per_class.patches.ap50).toBe(0);
    expect(report.map50).toBe(0.5);
    // Nothing of other classes in the predictions; nothing unscored in the ground truth either.
    expect(stderr).toEqual([]);
  });

  it('warns about prediction classes that are not scored', async () => {
    const data = await dataset();
    const pred = path.join(dir, 'pred.jsonl');
    await writeFile(
      pred,
      jsonl([
        { file: 'crazing_1.jpg', detections: [{ class: 'Crazing', score: 0.9, box: [0, 0, 10, 10] }] },
        { file: 'patches_2.jpg', detections: [] },
      ]),
    );
    expect(await detectMain(['--pred', pred, '--data', data])).toBe(0);
    expect(stderr.join('\n')).toMatch(/predictions of classes not scored were left out: Crazing \(1\)/);
  });

  it('a split image missing from the predictions is an error, not a zero', async () => {
    const data = await dataset();
    const pred = path.join(dir, 'pred.jsonl');
    await writeFile(pred, jsonl([{ file: 'crazing_1.jpg', detections: [] }]));
    expect(await detectMain(['--pred', pred, '--data', data, '--split', 'val'])).toBe(2);
    expect(stderr.join('\n')).toMatch(/1 of 2 val images have no prediction: patches_2/);
  });

  it('bad input lines and missing arguments exit 2', async () => {
    const data = await dataset();
    const pred = path.join(dir, 'pred.jsonl');
    await writeFile(pred, '{"file": "crazing_1.jpg", "detections": [{"class": "crazing", "score": "high", "box": [0,0,1,1]}]}\n');
    expect(await detectMain(['--pred', pred, '--data', data])).toBe(2);
    expect(stderr.join('\n')).toMatch(/line 1/);
    expect(await detectMain(['--data', data])).toBe(2);
    expect(await detectMain(['--pred', pred, '--data', data, '--bogus'])).toBe(2);
  });
});

describe('segment.ts CLI', () => {
  const W = 8;
  const H = 6;

  async function png(file: string, on: (x: number, y: number) => boolean): Promise<void> {
    const raw = Buffer.alloc(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) raw[y * W + x] = on(x, y) ? 255 : 0;
    await sharp(raw, { raw: { width: W, height: H, channels: 1 } }).png().toFile(file);
  }

  /** crack GT: 2x2 at (1..2, 1..2); blowhole GT: column x=5, y 0..3; two free images. */
  async function dataset(): Promise<{ data: string; split: string }> {
    const data = path.join(dir, 'tile');
    await mkdir(path.join(data, 'masks'), { recursive: true });
    await png(path.join(data, 'masks', 'crack__a.png'), (x, y) => x >= 1 && x <= 2 && y >= 1 && y <= 2);
    await png(path.join(data, 'masks', 'blowhole__b.png'), (x, y) => x === 5 && y <= 3);
    await png(path.join(data, 'masks', 'free__c.png'), () => false);
    await png(path.join(data, 'masks', 'free__d.png'), () => false);
    const split = path.join(dir, 'split.json');
    await writeFile(split, JSON.stringify({ train: ['crack__z'], val: ['crack__a', 'blowhole__b', 'free__c', 'free__d'] }));
    return { data, split };
  }

  function rleOf(on: (x: number, y: number) => boolean) {
    const mask = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) mask[y * W + x] = on(x, y) ? 1 : 0;
    return encodeRle(mask, W, H);
  }

  it('pools pixel IoU/Dice per class and reports image recall at the false-alarm rate', async () => {
    const { data, split } = await dataset();
    const pred = path.join(dir, 'pred.jsonl');
    const line = (file: string, defect_score: number, detections: unknown[]) => ({ file, width: W, height: H, model: 'seg', defect_score, detections });
    await writeFile(
      pred,
      jsonl([
        // crack: the polygon covers x 1..3, y 1..2 (6 px: 4 TP, 2 FP).
        line('images/crack__a.jpg', 0.9, [{ class: 'crack', score: 0.9, box: [1, 1, 4, 3], polygon: [[1, 1], [4, 1], [4, 3], [1, 3]] }]),
        // blowhole: the RLE (preferred over the wrong polygon) covers x=5, y 0..1 (2 TP, 2 FN).
        line('blowhole__b.jpg', 0.3, [
          { class: 'blowhole', score: 0.8, box: [5, 0, 6, 2], polygon: [[0, 0], [8, 0], [8, 6], [0, 6]], rle: rleOf((x, y) => x === 5 && y <= 1) },
        ]),
        // A free image with one false crack pixel at (7, 5).
        line('free__c.jpg', 0.5, [{ class: 'crack', score: 0.6, box: [7, 5, 8, 6], polygon: [[7, 5], [8, 5], [8, 6], [7, 6]] }]),
        line('free__d.jpg', 0.1, []),
      ]),
    );
    const out = path.join(dir, 'out.json');
    expect(await segmentMain(['--pred', pred, '--data', data, '--split', split, '--json', out, '--far', '0.5'])).toBe(0);
    const r = JSON.parse(await readFile(out, 'utf8'));
    // crack: TP 4, FP 2 + 1 (free image), FN 0.
    expect(r.per_class.crack).toEqual({ tp: 4, fp: 3, fn: 0, iou: 4 / 7, dice: 8 / 11 });
    expect(r.per_class.blowhole).toEqual({ tp: 2, fp: 0, fn: 2, iou: 0.5, dice: 4 / 6 });
    expect(r.per_class.fray.iou).toBeNull();
    expect(r.mean_iou).toBeCloseTo((4 / 7 + 0.5) / 2, 12);
    expect(r.mean_dice).toBeCloseTo((8 / 11 + 4 / 6) / 2, 12);
    // One of two free images may be flagged (0.5); threshold just above 0.1 flags blowhole at 0.3 too.
    expect(r.recall_at_far).toMatchObject({ far: 0.5, recall: 1, threshold: 0.3, false_alarms: 1, negatives: 2, positives: 2 });
    expect(r.images).toBe(4);
    expect(stdout.join('\n')).toMatch(/crack\s+0\.5714\s+0\.7273\s+4/);
  });

  it('missing predictions, size mismatches and unknown classes exit 2', async () => {
    const { data, split } = await dataset();
    const pred = path.join(dir, 'pred.jsonl');
    const lines = ['crack__a', 'blowhole__b', 'free__c'].map((n) => ({ file: `${n}.jpg`, width: W, height: H, defect_score: 0.5, detections: [] }));
    await writeFile(pred, jsonl(lines));
    expect(await segmentMain(['--pred', pred, '--data', data, '--split', split])).toBe(2);
    expect(stderr.join('\n')).toMatch(/free__d/);

    await writeFile(pred, jsonl([...lines, { file: 'free__d.jpg', width: W + 1, height: H, defect_score: 0.1, detections: [] }]));
    expect(await segmentMain(['--pred', pred, '--data', data, '--split', split])).toBe(2);
    expect(stderr.join('\n')).toMatch(/free__d: prediction is 9x6, mask 8x6/);

    await writeFile(pred, jsonl([...lines, { file: 'free__d.jpg', width: W, height: H, defect_score: 0.1, detections: [] }]));
    expect(await segmentMain(['--pred', pred, '--data', data, '--split', split, '--classes', 'crack'])).toBe(2);
    expect(stderr.join('\n')).toMatch(/class blowhole is not among crack/);
    expect(await segmentMain(['--pred', pred, '--data', data, '--split', split, '--far', '2'])).toBe(2);
  });

  it('class prefixes', () => {
    expect(classOf('crack__exp1_num_12345')).toBe('crack');
    expect(classOf('free__x__y')).toBe('free');
    expect(() => classOf('nounderscores')).toThrow();
  });
});
