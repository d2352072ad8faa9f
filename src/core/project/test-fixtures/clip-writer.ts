// Child process for the concurrency test: inserts clips in transactions of `batch` rows.
import { ProjectStore } from '../project-store';

const [dir, batches, batch] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const store = ProjectStore.open(dir);
for (let b = 0; b < batches; b++) {
  store.syncClips(
    Array.from({ length: (b + 1) * batch }, (_, i) => ({ relPath: `c${i % 3}/clip${i}.mp4`, className: `c${i % 3}`, sizeBytes: 1, mtimeMs: 1 })),
  );
}
store.close();
process.send?.('done');
