/** Entry of `npm run spec:diff`: see run.ts. */
import { runSpecDiff } from './run.js';
import { projectRoot as root } from '../paths.js';

process.exitCode = await runSpecDiff(root, process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
