import type { IngestOutcome } from './ingest-file.ts';

export interface IngestWorkerData {
  storeDir: string;
  blobKey: Uint8Array;
  nameKey: Uint8Array;
  maxBytes: number;
  /** Fault-injection for tests of kill-and-resume: a pause before each file. */
  delayMs: number;
}

export interface IngestRequest {
  id: number;
  source: string;
  name: string;
}

export interface IngestResponse {
  id: number;
  outcome: IngestOutcome;
}
