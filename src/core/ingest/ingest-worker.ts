import { parentPort, workerData } from 'node:worker_threads';
import { BlobStore } from '../store/blob-store.ts';
import { ingestFile } from './ingest-file.ts';
import type { IngestRequest, IngestResponse, IngestWorkerData } from './ingest-protocol.ts';

/** Worker thread entry: hashes, type-checks and encrypts files so the main thread never blocks on them. */
const data = workerData as IngestWorkerData;
const store = new BlobStore(data.storeDir, Buffer.from(data.blobKey), Buffer.from(data.nameKey));

parentPort?.on('message', (req: IngestRequest) => {
  void (async () => {
    if (data.delayMs > 0) await new Promise((r) => setTimeout(r, data.delayMs));
    const outcome = await ingestFile(req.source, req.name, store, data.maxBytes).catch(
      (e: unknown): IngestResponse['outcome'] => ({ ok: false, code: 'STORE_WRITE_FAILED', message: `unexpected error: ${String(e)}` }),
    );
    const res: IngestResponse = { id: req.id, outcome };
    parentPort?.postMessage(res);
  })();
});
