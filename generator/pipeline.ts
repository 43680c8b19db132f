/**
 * Model → files → formatted text → disk. Emitting happens in memory (ts-morph structures, batched
 * per file); the result replaces `generated/` only when every file was produced and formatted, so a
 * failure never leaves a half-written tree. `--check` compares instead of writing.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import type { SpecModel } from './model/types.js';
import { COVERAGE_FILE, coverageReport } from './emit/coverage.js';
import { FormatPool } from './emit/format.js';
import { banner, moduleName } from './emit/naming.js';
import { FAKE_MODEL_FILE, fakeModel } from './emit/fake-model.js';
import { emitSweepTests } from './emit/sweep-module.js';
import { emitResourceTests, emitServiceTests } from './emit/test-module.js';

export const OUTPUT_DIR = 'generated';

/**
 * Every generated file, relative to the project root, unformatted. `onFile` sees each file as soon
 * as it is emitted, so formatting can start while the rest is still being emitted: the tests
 * (templates only) go first, then ts-morph is loaded and the SDK's modules follow.
 */
export async function emitFiles(
  model: SpecModel,
  onFile?: (file: string, text: string) => void,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const add = (file: string, text: string): void => {
    files.set(file, text);
    onFile?.(file, text);
  };
  for (const service of model.services) {
    for (const resource of service.resources) {
      if (resource.methods.length === 0) continue;
      const tests = emitResourceTests(
        service,
        resource,
        banner(resource.sources),
        `${moduleName(resource)}.cases.json`,
      );
      add(`${service.outDir}/tests/${moduleName(resource)}.cases.json`, tests.cases);
      add(`${service.outDir}/tests/${moduleName(resource)}.test.ts`, tests.code);
    }
    const sweep = emitSweepTests(
      service,
      banner([service.serviceFile, ...service.resources.flatMap((r) => r.sources)]),
    );
    if (sweep) add(`${service.outDir}/tests/microversions.test.ts`, sweep);
    if (service.helpers.length > 0) {
      const tests = emitServiceTests(service, banner([service.serviceFile]), 'helpers.cases.json');
      add(`${service.outDir}/tests/helpers.cases.json`, tests.cases);
      add(`${service.outDir}/tests/helpers.test.ts`, tests.code);
    }
  }
  add(
    FAKE_MODEL_FILE,
    fakeModel(
      model,
      banner([...new Set(model.services.flatMap((s) => [s.serviceFile, ...s.resources.flatMap((r) => r.sources)]))]),
    ),
  );
  const { emitModules } = await import('./emit/modules.js');
  emitModules(model, OUTPUT_DIR, add);
  return files;
}

/**
 * Emits and formats everything. Each file goes to a formatting worker the moment it is emitted;
 * pass a pool started early (the CLI starts it before loading the spec) to overlap even more.
 */
export async function generate(root: string, model: SpecModel, pool?: FormatPool): Promise<Map<string, string>> {
  const own = pool ?? new FormatPool();
  try {
    const config = (await prettier.resolveConfig(path.join(root, 'package.json'))) ?? {};
    const pending: Promise<readonly [string, string]>[] = [];
    const modules: (readonly [string, Promise<string>])[] = [];
    await emitFiles(model, (file, text) => {
      // JSON (the example cases) is written canonical by JSON.stringify: nothing for prettier to do.
      const formatted = file.endsWith('.json')
        ? Promise.resolve(text)
        : own.format(text, { ...config, parser: 'babel-ts', filepath: file });
      pending.push(formatted.then((out) => [file, out] as const));
      if (file.endsWith('.ts') && !file.includes('/tests/')) modules.push([file, formatted]);
    });
    // The API reports read the formatted modules back with TypeScript's parser. ts-morph is loaded
    // by now (the modules were emitted with it), and this thread is idle while the worker formats:
    // parse each module the moment it comes back instead of all of them at the end.
    const { parseModule, withApiReports } = await import('./emit/api-report.js');
    const parsed = new Map<string, ReturnType<typeof parseModule>>();
    for (const [file, formatted] of modules)
      void formatted.then(
        (out) => parsed.set(file, parseModule(file, out)),
        () => undefined,
      );
    const formatted = new Map((await Promise.all(pending)).sort(([a], [b]) => a.localeCompare(b)));
    formatted.set(COVERAGE_FILE, coverageReport(model));
    return withApiReports(model, formatted, parsed);
  } finally {
    if (!pool) await own.close();
  }
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full, base)));
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/** Files that differ between the generated map and what is on disk. */
export async function drift(root: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  const onDisk = (await listFiles(path.join(root, OUTPUT_DIR))).map((f) => `${OUTPUT_DIR}/${f}`);
  const problems: string[] = [];
  for (const [file, text] of files) {
    let current: string | undefined;
    try {
      current = await readFile(path.join(root, file), 'utf8');
    } catch {
      current = undefined;
    }
    if (current === undefined) problems.push(`${file} (missing)`);
    else if (current !== text) problems.push(`${file} (differs)`);
  }
  for (const file of onDisk) if (!files.has(file)) problems.push(`${file} (not generated by the spec)`);
  return problems;
}

/** Writes into a temporary tree, then swaps it in for generated/. */
export async function writeTree(root: string, files: ReadonlyMap<string, string>): Promise<void> {
  const target = path.join(root, OUTPUT_DIR);
  const temp = path.join(root, `.generate-tmp-${process.pid}`);
  const old = path.join(root, `.generate-old-${process.pid}`);
  await rm(temp, { recursive: true, force: true });
  try {
    for (const [file, text] of files) {
      const rel = path.relative(OUTPUT_DIR, file);
      const dest = path.join(temp, rel);
      await mkdir(path.dirname(dest), { recursive: true });
      await writeFile(dest, text);
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  let hadOld = true;
  try {
    await rename(target, old);
  } catch {
    hadOld = false;
  }
  try {
    await rename(temp, target);
  } catch (error) {
    if (hadOld) await rename(old, target);
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}

export async function runGenerate(
  root: string,
  model: SpecModel,
  options: { check: boolean; started: number; pool?: FormatPool },
): Promise<number> {
  const files = await generate(root, model, options.pool);
  const seconds = ((performance.now() - options.started) / 1000).toFixed(2);
  if (options.check) {
    const problems = await drift(root, files);
    if (problems.length > 0) {
      process.stderr.write(
        `generated/ does not match spec/ (${problems.length} file(s)):\n${problems.map((p) => `  ${p}`).join('\n')}\nRun \`npm run generate\` and commit the result.\n`,
      );
      return 1;
    }
    process.stdout.write(`generated/ matches spec/ (${files.size} files, ${seconds} s)\n`);
    return 0;
  }
  await writeTree(root, files);
  process.stdout.write(`wrote ${files.size} files to ${OUTPUT_DIR}/ in ${seconds} s\n`);
  return 0;
}
