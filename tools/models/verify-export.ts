/**
 * Checks an exported model against the PyTorch reference written next to it
 * by tools/train (reference/): the ONNX outputs in onnxruntime-node (max abs
 * difference) and, for detectors, the TypeScript post-processing against
 * torchvision's own detections.
 *
 *   node --import tsx tools/models/verify-export.ts models/<id>
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelCatalog } from '../../src/core/inference/catalog.ts';
import { compareWithReference } from '../../src/core/inference/reference.ts';

const dir = path.resolve(process.argv[2] ?? '');
const catalog = new ModelCatalog([{ dir: path.dirname(dir), origin: 'built-in' }]);
const model = await catalog.get(path.basename(dir));
const report = await compareWithReference(model, (f) => readFile(path.join(dir, 'reference', f)));
console.log(JSON.stringify(report, null, 2));
process.exit(report.ok ? 0 : 1);
