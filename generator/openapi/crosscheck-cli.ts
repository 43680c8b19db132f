/** `npm run spec:crosscheck`: see crosscheck-run.ts for the arguments and the exit status. */
import { runCrosscheck } from './crosscheck-run.js';

process.exitCode = await runCrosscheck(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
