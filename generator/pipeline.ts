/**
 * Model → files → formatted text → disk. Emitting happens in memory (ts-morph structures, batched
 * per file); the result replaces `generated/` only when every file was produced and formatted, so a
 * failure never leaves a half-written tree. `--check` compares instead of writing.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StructureKind, printStructure, type StatementStructures } from 'ts-morph';
import * as prettier from 'prettier';
import type { ResourceModel, ServiceModel, SpecModel } from './model/types.js';
import { withApiReports } from './emit/api-report.js';
import { COVERAGE_FILE, coverageReport } from './emit/coverage.js';
import { FormatPool } from './emit/format.js';
import { emitProxyModule } from './emit/proxy-module.js';
import { literal, renderTemplate } from './emit/render.js';
import { emitResourceModule } from './emit/resource-module.js';
import { methodSignature } from './emit/signature.js';
import { emitSweepTests } from './emit/sweep-module.js';
import { emitResourceTests, emitServiceTests } from './emit/test-module.js';

export const OUTPUT_DIR = 'generated';

/** Module file name of a resource: `QosSpecAssociation` → `qos-spec-association`. */
export function moduleName(resource: ResourceModel): string {
  return path.posix.basename(resource.file, '.yaml').replace(/_/g, '-');
}

/** ts-morph's printer in the house style (prettier reformats anyway; this keeps its work small). */
const PRINT_OPTIONS = { indentNumberOfSpaces: 2, useSingleQuote: true } as const;

function banner(sources: readonly string[]): string {
  return renderTemplate('banner', { sources: [...sources].sort().join(', ') }).trim();
}

/**
 * Every generated file, relative to the project root, unformatted. `onFile` sees each file as soon
 * as it is emitted, so formatting can start while the rest is still being emitted.
 */
export function emitFiles(model: SpecModel, onFile?: (file: string, text: string) => void): Map<string, string> {
  const files = new Map<string, string>() as Map<string, string> & { set(file: string, text: string): Map<string, string> };
  const add = (file: string, text: string): void => {
    files.set(file, text);
    onFile?.(file, text);
  };
  // Structures are printed straight to text (no in-memory project, nothing parsed back).
  const print = (file: string, sources: readonly string[], statements: StatementStructures[]): void => {
    add(file, `${banner(sources)}\n${printStructure({ kind: StructureKind.SourceFile, statements }, PRINT_OPTIONS)}`);
  };
  const families = new Map<string, ServiceModel[]>();
  for (const service of model.services) {
    const byName = new Map(service.resources.map((r) => [r.name, r]));
    const modulePath = (name: string): string => `./${moduleName(byName.get(name)!)}.js`;
    for (const resource of service.resources) {
      print(`${service.outDir}/${moduleName(resource)}.ts`, resource.sources, emitResourceModule(service, resource, modulePath));
      if (resource.methods.length > 0) {
        add(`${service.outDir}/tests/${moduleName(resource)}.test.ts`, emitResourceTests(service, resource, banner(resource.sources)));
      }
    }
    const sweep = emitSweepTests(service, banner([service.serviceFile, ...service.resources.flatMap((r) => r.sources)]));
    if (sweep) add(`${service.outDir}/tests/microversions.test.ts`, sweep);
    if (service.helpers.length > 0) {
      add(`${service.outDir}/tests/helpers.test.ts`, emitServiceTests(service, banner([service.serviceFile])));
    }
    const allSources = [...new Set([service.serviceFile, ...service.resources.flatMap((r) => r.sources)])];
    print(`${service.outDir}/proxy.ts`, allSources, emitProxyModule(service, modulePath));
    print(`${service.outDir}/index.ts`, allSources, indexModule(service, modulePath));
    const family = families.get(service.serviceType) ?? [];
    family.push(service);
    families.set(service.serviceType, family);
  }
  for (const [, services] of families) {
    const outRoot = path.posix.dirname(services[0]!.outDir);
    const sources = services.map((s) => s.serviceFile);
    print(`${outRoot}/index.ts`, sources, familyModule(services));
  }
  const allServiceFiles = model.services.map((s) => s.serviceFile);
  print(`${OUTPUT_DIR}/index.ts`, allServiceFiles, entryModule([...families.values()]));
  return files;
}

/** `index.ts` of a version: explicit named exports of everything public. */
function indexModule(service: ServiceModel, modulePath: (name: string) => string): StatementStructures[] {
  const statements: StatementStructures[] = [
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: './proxy.js', namedExports: [{ name: service.className }] },
  ];
  for (const resource of service.resources) {
    const values = new Set<string>([resource.name, `${resource.name}Operations`]);
    const types = new Set<string>([`${resource.name}Attributes`]);
    if (resource.methods.some((m) => m.kind === 'create')) types.add(`${resource.name}Create`);
    if (resource.methods.some((m) => m.kind === 'update')) types.add(`${resource.name}Update`);
    for (const s of resource.structs) {
      types.add(s.name);
      values.add(`${s.name}Schema`);
    }
    for (const m of resource.methods) {
      values.add(m.name);
      const sig = methodSignature(service, resource, m);
      if (sig.optionsInterface) types.add(sig.optionsInterface.name);
    }
    statements.push({
      kind: StructureKind.ExportDeclaration,
      moduleSpecifier: modulePath(resource.name),
      namedExports: [...[...values].sort().map((name) => ({ name })), ...[...types].sort().map((name) => ({ name, isTypeOnly: true }))],
    });
  }
  return statements;
}

/** `generated/<service>/index.ts`: the versions this build contains, for connect(). */
function familyModule(services: readonly ServiceModel[]): StatementStructures[] {
  const sorted = [...services].sort((a, b) => Number(b.version) - Number(a.version));
  const first = sorted[0]!;
  const version = (s: ServiceModel): string => path.posix.basename(s.outDir);
  return [
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: '../../runtime/index.js', namedImports: [{ name: 'ServiceFamily', isTypeOnly: true }] },
    ...sorted.map((s) => ({
      kind: StructureKind.ImportDeclaration as const,
      moduleSpecifier: `./${version(s)}/proxy.js`,
      namedImports: [{ name: s.className }],
    })),
    ...sorted.map((s) => ({
      kind: StructureKind.ExportDeclaration as const,
      moduleSpecifier: `./${version(s)}/proxy.js`,
      namedExports: [{ name: s.className }],
    })),
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: 'const' as never,
      docs: [`Every ${first.serviceType} version in this build, newest first; connect() picks the one the cloud offers.`],
      declarations: [
        {
          name: first.attribute,
          initializer: `{ attribute: ${literal(first.attribute)}, serviceType: ${literal(first.serviceType)}, versions: [${sorted.map((s) => s.className).join(', ')}] } as const satisfies ServiceFamily`,
        },
      ],
    },
  ];
}

/** `generated/index.ts`: the package entry — the runtime, every service family, and connect(). */
function entryModule(families: readonly (readonly ServiceModel[])[]): StatementStructures[] {
  const names = families.map((f) => f[0]!.attribute);
  const dirs = families.map((f) => path.posix.basename(path.posix.dirname(f[0]!.outDir)));
  return [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: '../runtime/index.js',
      namedImports: [{ name: 'createConnection' }, { name: 'Connection', isTypeOnly: true }, { name: 'ConnectOptions', isTypeOnly: true }],
    },
    ...families.map((f, i) => ({
      kind: StructureKind.ImportDeclaration as const,
      moduleSpecifier: `./${dirs[i]!}/index.js`,
      namedImports: [{ name: f[0]!.attribute }, ...(families.length === 1 ? f.map((s) => ({ name: s.className, isTypeOnly: true })) : [])],
    })),
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: '../runtime/index.js' },
    ...dirs.map((dir) => ({
      kind: StructureKind.ExportDeclaration as const,
      moduleSpecifier: `./${dir}/index.js`,
    })),
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: 'const' as never,
      docs: ['Every service family this SDK was generated for.'],
      declarations: [{ name: 'services', initializer: `[${names.join(', ')}] as const` }],
    },
    {
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: 'CloudConnection',
      type: 'Connection<typeof services>',
      docs: ['A connection with one proxy per service family the cloud offers.'],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'connect',
      parameters: [{ name: 'options', type: 'ConnectOptions', initializer: '{}' }],
      returnType: 'Promise<CloudConnection>',
      statements: ['return createConnection(options, services);'],
      // With one service family, pinning `version` also narrows the proxy's type.
      overloads: [
        ...(families.length === 1
          ? families[0]!.map((s) => ({
              parameters: [{ name: 'options', type: `ConnectOptions & { readonly version: ${literal(s.version)} }` }],
              returnType: `Promise<CloudConnection & { readonly ${s.attribute}: ${s.className} }>`,
              docs: [`Connects pinned to ${s.serviceType} v${s.version}: \`connection.${s.attribute}\` is a {@link ${s.className}}.`],
            }))
          : []),
        {
          parameters: [{ name: 'options', type: 'ConnectOptions', hasQuestionToken: true }],
          returnType: 'Promise<CloudConnection>',
          docs: [
            'Connects to a cloud: options, then OS_* environment variables, then clouds.yaml/secure.yaml\n' +
              '(selected by `cloud` or OS_CLOUD). Authenticates, reads the catalog and discovers versions,\n' +
              'so that `connection.' + names[0] + '` is ready to use when the promise resolves: the newest\n' +
              'version the cloud offers (pin one with `version` to get its type).',
          ],
        },
      ],
    },
  ];
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
    emitFiles(model, (file, text) => {
      pending.push(own.format(text, { ...config, parser: 'babel-ts', filepath: file }).then((out) => [file, out] as const));
    });
    const formatted = new Map((await Promise.all(pending)).sort(([a], [b]) => a.localeCompare(b)));
    formatted.set(COVERAGE_FILE, coverageReport(model));
    return withApiReports(model, formatted);
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

export async function runGenerate(root: string, model: SpecModel, options: { check: boolean; started: number; pool?: FormatPool }): Promise<number> {
  const files = await generate(root, model, options.pool);
  const seconds = ((performance.now() - options.started) / 1000).toFixed(2);
  if (options.check) {
    const problems = await drift(root, files);
    if (problems.length > 0) {
      process.stderr.write(`generated/ does not match spec/ (${problems.length} file(s)):\n${problems.map((p) => `  ${p}`).join('\n')}\nRun \`npm run generate\` and commit the result.\n`);
      return 1;
    }
    process.stdout.write(`generated/ matches spec/ (${files.size} files, ${seconds} s)\n`);
    return 0;
  }
  await writeTree(root, files);
  process.stdout.write(`wrote ${files.size} files to ${OUTPUT_DIR}/ in ${seconds} s\n`);
  return 0;
}
