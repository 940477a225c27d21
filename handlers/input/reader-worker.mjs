// Worker thread entry for large replays run from source (tests, the bench, tsx): the prebuilt reader
// (dist/cli/reader-worker.mjs) when it was built from the sources as they are now, since starting a
// worker that compiles TypeScript through tsx costs several times more than the reading it takes
// over; otherwise the TypeScript through tsx. The prebuilt CLI starts dist/cli/reader-worker.mjs itself.
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freshEntry } from '../../bin/bundle.mjs';

const built = freshEntry();
if (built) {
  await import(pathToFileURL(join(dirname(built), 'reader-worker.mjs')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./reader-worker.ts');
}
