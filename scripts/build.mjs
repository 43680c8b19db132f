#!/usr/bin/env node
/**
 * `npm run build`: the publishable package in dist/.
 *
 * dist/ is the package root: README.md, LICENSE, CHANGELOG.md, the guide, a package.json derived from the source one, and
 * runtime/ and generated/ twice:
 *
 * - `runtime/`, `generated/`: tsc's output, one ESM file per source file, with .d.ts, declaration
 *   maps and source maps. Bundlers get this tree: with `"sideEffects": false` they drop every
 *   module an app does not reach, which is what keeps a createClient + getVolume app near 8 KB.
 * - `node/`: the same code bundled by esbuild with code splitting, one file per package subpath
 *   plus shared chunks. Plain Node gets this tree (condition `node` without `module`): it loads a
 *   handful of files instead of ~110 modules, which halves import time.
 *
 * A program only ever sees one tree (a resolver uses one set of conditions), so classes are never
 * duplicated in a process. Lazily loaded and runtime-chosen modules go through the package's
 * `imports` map, so that they resolve from any file of either tree:
 * - `#default-transport` (per-file tree): connect and the HTTP client import the default transport
 *   through it; bundlers targeting Node (conditions node + module) get default-transport.node.js,
 *   whose literal `import()` of the undici transport they follow, browser and Deno bundles the lazy
 *   one, which names neither node-transport.js nor undici, so no browser bundle can contain undici;
 * - `#node-transport`, `#config-files` (node tree): what the lazy default transport and the
 *   clouds.yaml reader load on first use.
 * The source keeps its relative specifiers: tests, tsx and the examples run it unbuilt.
 *
 * The source package.json keeps `exports` on the .ts files; the published one points the same
 * subpaths at dist's files. Publish with `npm publish dist` (the root package is private);
 * `npm pack dist` makes the tarball.
 *
 *   node scripts/build.mjs            # build dist/
 *   node scripts/build.mjs --pack DIR # build, then `npm pack` into DIR; prints the tarball path
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const source = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * Runtime imports the built files may have: their own files, node built-ins, and these packages.
 * Optional peers (`@opentelemetry/api`) are allowed too, though today nothing imports them: the
 * tracing policy takes the API object from the application (runtime/pipeline/tracing.ts).
 */
const ALLOWED_PACKAGES = new Set([
  ...Object.keys(source.dependencies ?? {}),
  ...Object.keys(source.peerDependenciesMeta ?? {}).filter((name) => source.peerDependenciesMeta[name]?.optional),
]);

/** The package's `imports` map (see the module comment). */
const INTERNAL = {
  '#default-transport': {
    browser: './runtime/http/default-transport.js',
    deno: './runtime/http/default-transport.js',
    // Node itself never sets `module`: only bundlers do.
    node: { module: './runtime/http/default-transport.node.js', default: './runtime/http/default-transport.js' },
    default: './runtime/http/default-transport.js',
  },
  '#node-transport': './node/runtime/http/node-transport.js',
  '#config-files': './node/runtime/config/files.js',
};
/** Source constants naming the lazily loaded modules, and what they become in the node tree. */
const LAZY = [
  {
    file: 'runtime/http/default-transport.ts',
    from: "const NODE_TRANSPORT_MODULE = './node-transport.js';",
    to: "const NODE_TRANSPORT_MODULE = '#node-transport';",
  },
  {
    // The fake cloud reads its model relative to its own module: one level deeper in the node tree.
    file: 'fake/load.ts',
    from: "const MODEL_FILE = '../generated/fake-model.json';",
    to: "const MODEL_FILE = '../../generated/fake-model.json';",
  },
  {
    file: 'runtime/config/resolve.ts',
    from: "const FILES_MODULE = './files.js';",
    to: "const FILES_MODULE = '#config-files';",
  },
];

rmSync(dist, { recursive: true, force: true });

// The per-file tree: JavaScript, types and maps.
execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
let rewritten = 0;
for (const file of walk(join(dist, 'runtime'))) {
  if (!file.endsWith('.js') || /default-transport(\.node)?\.js$/.test(file)) continue;
  const text = readFileSync(file, 'utf8');
  const next = text.replace(
    /(from\s+)'(?:\.\.?\/)+(?:http\/)?default-transport\.js'/g,
    (_all, from) => `${from}'#default-transport'`,
  );
  if (next !== text) {
    writeFileSync(file, next);
    rewritten++;
  }
}
if (rewritten === 0)
  throw new Error('build: no import of default-transport.js found to route through #default-transport');

// One subpath per generated API version, also for a version not yet listed in package.json.
const subpaths = { ...source.exports };
for (const service of readdirSync(join(root, 'generated'))) {
  if (!statSync(join(root, 'generated', service)).isDirectory()) continue;
  for (const version of readdirSync(join(root, 'generated', service))) {
    if (!existsSync(join(root, 'generated', service, version, 'index.ts'))) continue;
    const subpath = `./${service}/${version}`;
    if (subpaths[subpath]) continue;
    console.warn(
      `build: package.json "exports" lacks "${subpath}"; added to dist/package.json (add it to package.json too)`,
    );
    subpaths[subpath] = `./generated/${service}/${version}/index.ts`;
  }
}

// The node tree.
const bins = Object.entries(source.bin ?? {});
const entries = new Set([
  ...Object.values(subpaths),
  ...bins.map(([, file]) => file),
  './runtime/http/node-transport.ts',
  './runtime/config/files.ts',
]);
const result = await build({
  absWorkingDir: root,
  entryPoints: [...entries].map((e) => ({ in: e, out: e.replace(/^\.\//, '').replace(/\.ts$/, '') })),
  outdir: join(dist, 'node'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['node:*', ...ALLOWED_PACKAGES],
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  sourcesContent: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'lazy-modules',
      setup(b) {
        for (const lazy of LAZY) {
          b.onLoad({ filter: new RegExp(`${lazy.file.replace(/[./]/g, '\\$&')}$`) }, (args) => {
            const text = readFileSync(args.path, 'utf8');
            if (!text.includes(lazy.from)) throw new Error(`build: ${lazy.file} no longer has ${lazy.from}`);
            return { contents: text.replace(lazy.from, lazy.to), loader: 'ts' };
          });
        }
      },
    },
  ],
});

/** `./generated/x.ts` → types, the node tree for plain Node, the per-file tree for everything else. */
function target(path) {
  if (typeof path !== 'string' || !path.endsWith('.ts'))
    throw new Error(`package.json: cannot map ${JSON.stringify(path)}`);
  const js = path.replace(/\.ts$/, '.js');
  const types = path.replace(/\.ts$/, '.d.ts');
  const node = `./node/${js.slice(2)}`;
  for (const file of [js, types, node]) {
    if (!existsSync(join(dist, file))) throw new Error(`package.json points at ${path}, but the build has no ${file}`);
  }
  return { types, node: { module: js, default: node }, default: js };
}

// The fake cloud's model is read at run time (fake/load.ts), not imported: ship it beside the code.
cpSync(join(root, 'generated', 'fake-model.json'), join(dist, 'generated', 'fake-model.json'));

// Commands run from the node tree: `./fake/cli.ts` → `./node/fake/cli.js` (esbuild keeps the #! line).
const bin = {};
for (const [name, file] of bins) {
  const js = `./node/${file.replace(/^\.\//, '').replace(/\.ts$/, '.js')}`;
  if (!existsSync(join(dist, js)))
    throw new Error(`package.json bin ${name} points at ${file}, but the build has no ${js}`);
  if (!readFileSync(join(dist, js), 'utf8').startsWith('#!')) throw new Error(`${js} (bin ${name}) has no #! line`);
  bin[name] = js;
}

const exports = {};
for (const [subpath, path] of Object.entries(subpaths)) exports[subpath] = target(path);
exports['./package.json'] = './package.json';

const pkg = {
  name: source.name,
  version: source.version,
  description: source.description,
  keywords: source.keywords,
  license: source.license,
  repository: source.repository,
  type: 'module',
  engines: source.engines,
  sideEffects: false,
  types: exports['.'].types,
  main: exports['.'].default,
  exports,
  bin,
  imports: INTERNAL,
  dependencies: source.dependencies,
  peerDependencies: source.peerDependencies,
  peerDependenciesMeta: source.peerDependenciesMeta,
};
writeFileSync(join(dist, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
// What a user reads next to the code; a missing one fails the build rather than the release.
for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md', 'docs/guide.md']) {
  mkdirSync(dirname(join(dist, file)), { recursive: true });
  cpSync(join(root, file), join(dist, file));
}

// Nothing of the generator's toolchain may be needed at run time: only node:*, the runtime
// dependencies (undici, yaml; external in the node tree), our own files.
const problems = [];
for (const file of walk(dist)) {
  if (!file.endsWith('.js') || file.startsWith(join(dist, 'node'))) continue;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(
    /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    check(relative(root, file), m[1] ?? m[2]);
  }
}
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  for (const imp of output.imports) if (imp.external) check(file, imp.path);
  for (const input of Object.keys(output.inputs)) {
    if (!/^(runtime|generated|fake)\//.test(input)) problems.push(`${file} bundles ${input}`);
  }
}
// The fake cloud ships under ./testing only: the package entry and the API versions never load it.
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  if (!output.entryPoint || /^fake\//.test(output.entryPoint)) continue;
  const reached = new Set([file]);
  const queue = [file];
  while (queue.length > 0) {
    for (const imp of result.metafile.outputs[queue.pop()]?.imports ?? []) {
      if (imp.kind !== 'import-statement' || imp.external || reached.has(imp.path)) continue;
      reached.add(imp.path);
      queue.push(imp.path);
    }
  }
  for (const out of reached)
    for (const input of Object.keys(result.metafile.outputs[out]?.inputs ?? {}))
      if (/^fake\//.test(input)) problems.push(`${output.entryPoint} loads the fake cloud (${input})`);
}
function check(file, spec) {
  if (spec.startsWith('.') || spec.startsWith('node:') || spec in INTERNAL) return;
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  if (!ALLOWED_PACKAGES.has(name)) problems.push(`${file} imports ${spec}`);
}
if (problems.length > 0) {
  console.error(`dist/ needs more than its runtime dependencies:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

const packIndex = process.argv.indexOf('--pack');
if (packIndex >= 0) {
  const into = process.argv[packIndex + 1] ?? root;
  mkdirSync(into, { recursive: true });
  const out = execFileSync('npm', ['pack', dist, '--pack-destination', into, '--json'], {
    cwd: root,
    encoding: 'utf8',
  });
  const [info] = JSON.parse(out);
  console.log(join(into, info.filename));
} else {
  console.log(`dist/ built: ${walk(dist).length} files`);
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}
