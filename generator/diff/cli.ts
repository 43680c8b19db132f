/** Entry of `npm run spec:diff`: see run.ts. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSpecDiff } from './run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.exitCode = await runSpecDiff(root, process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
