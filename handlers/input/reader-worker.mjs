// Worker thread entry for large replays: TypeScript through tsx, then the reader loop.
import { register } from 'tsx/esm/api';

register();
await import('./reader-worker.ts');
