// Worker bootstrap for running TypeScript sources: register tsx in this thread,
// then load the real entry, passed as the last argv entry (workerData stays the entry's own).
import { register } from 'tsx/esm/api';

register();
await import(process.argv[process.argv.length - 1]);
