/**
 * Browser bundle sizes: esbuild (bundle, minify, platform browser, ESM), then gzip level 9, of
 *
 * - lite:    `createClient({ endpoint, token })` + `getVolume` (bench/bundle-app-lite.ts): the budget,
 *            ≤ 9 KB gzip with auth, retries, typed errors and microversions;
 * - connect: the same through `connect()` and the BlockStorageV2 proxy (bench/bundle-app-connect.ts);
 * - aws:     AWS SDK v3, DynamoDBClient + GetItemCommand (bench/bundle-app-aws.ts), the anchor,
 *
 * all built in the same run, printed side by side.
 *
 *   npx tsx bench/bundle-size.ts             # table
 *   npx tsx bench/bundle-size.ts --analyze   # plus the biggest inputs of the lite bundle
 *   npx tsx bench/bundle-size.ts --check     # exit 1 when the lite app grew > 10% over
 *                                            #   bench/bundle-baseline.json (CI runs this)
 *
 * Only the lite app is checked: the connect() app holds every method of every generated proxy
 * class (v2 and v3), so it grows, rightly, with the API.
 *   npx tsx bench/bundle-size.ts --update    # write the current sizes as the new baseline
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const BASELINE = join(here, 'bundle-baseline.json');
/** Allowed growth over the baseline before --check fails. */
const TOLERANCE = 0.1;
/** Issue 12: the lite app with the request pipeline (createClient() as a preset of it). */
const BUDGET_LITE_GZIP = 9 * 1024;

interface Size {
  readonly raw: number;
  readonly gzip: number;
  readonly metafile: Metafile;
}

const APPS = {
  lite: 'bench/bundle-app-lite.ts',
  connect: 'bench/bundle-app-connect.ts',
  aws: 'bench/bundle-app-aws.ts',
} as const;
type App = keyof typeof APPS;

/** esbuild as an application would bundle it for browsers; throws on a Node built-in. */
export async function bundleSize(entry: string): Promise<Size> {
  const result = await build({
    entryPoints: [join(root, entry)],
    absWorkingDir: root,
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length, metafile: result.metafile };
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const sizes = {} as Record<App, Size>;
  for (const app of Object.keys(APPS) as App[]) {
    try {
      sizes[app] = await bundleSize(APPS[app]);
    } catch (error) {
      if (app !== 'aws') throw error;
      console.warn(
        `aws: not measured (${(error as Error).message.split('\n')[0]}); npm ci installs @aws-sdk/client-dynamodb`,
      );
    }
  }

  const aws = sizes.aws;
  console.log('browser bundle (esbuild --minify --platform=browser, gzip -9), measured in this run:');
  console.log('app                                   minified     gzip    vs AWS SDK v3 (gzip)');
  const row = (name: string, s: Size | undefined): void => {
    if (!s) return;
    const ratio = aws && s !== aws ? `${(aws.gzip / s.gzip).toFixed(1)}× smaller` : '';
    console.log(`${name.padEnd(36)} ${kb(s.raw).padStart(9)} ${kb(s.gzip).padStart(8)}    ${ratio}`);
  };
  row('lite: createClient + getVolume', sizes.lite);
  row('connect(): static token + getVolume', sizes.connect);
  row('AWS SDK v3: DynamoDB + GetItem', aws);
  const lite = sizes.lite;
  console.log(
    `budget: lite ≤ ${kb(BUDGET_LITE_GZIP)} gzip → ${lite.gzip} bytes, ${lite.gzip <= BUDGET_LITE_GZIP ? 'met' : `OVER by ${lite.gzip - BUDGET_LITE_GZIP} bytes`}`,
  );

  if (args.has('--analyze')) {
    const output = Object.values(lite.metafile.outputs)[0];
    console.log('\nlite bundle, bytes of minified output per input:');
    for (const [file, info] of Object.entries(output.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) {
      if (info.bytesInOutput > 0) console.log(`${String(info.bytesInOutput).padStart(7)}  ${file}`);
    }
  }

  const current = { lite: lite.gzip };
  if (args.has('--update')) {
    const baseline = {
      note: 'gzip bytes of bench/bundle-app-lite.ts (npx tsx bench/bundle-size.ts --update); CI fails at +10%',
      ...current,
    };
    writeFileSync(BASELINE, `${JSON.stringify(baseline, null, 2)}\n`);
    console.log(`\nwrote ${BASELINE}`);
  }
  if (args.has('--check')) {
    if (!existsSync(BASELINE)) throw new Error(`${BASELINE} is missing; run with --update`);
    const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as Record<string, number>;
    let failed = false;
    console.log('\nsize check against bench/bundle-baseline.json (limit +10%):');
    for (const [name, bytes] of Object.entries(current)) {
      const base = baseline[name];
      if (base === undefined) throw new Error(`baseline has no "${name}"`);
      const limit = Math.floor(base * (1 + TOLERANCE));
      const change = ((bytes / base - 1) * 100).toFixed(1);
      const ok = bytes <= limit;
      failed ||= !ok;
      console.log(
        `${name.padEnd(8)} ${bytes} bytes (baseline ${base}, ${change}%, limit ${limit}): ${ok ? 'ok' : 'TOO BIG'}`,
      );
    }
    if (failed) {
      console.error(
        'A bundle grew more than 10%. Look at `npx tsx bench/bundle-size.ts --analyze`; if the growth is intended, ' +
          'update the baseline with --update and say why in the commit.',
      );
      process.exitCode = 1;
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
