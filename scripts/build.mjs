#!/usr/bin/env node
/**
 * `npm run build`: the publishable package in dist/.
 *
 * dist/ is the package root: compiled runtime/ and generated/ (ESM JavaScript, .d.ts, source maps
 * with their sources inlined), README.md, the guide, and a package.json derived from the source
 * one. The source package.json keeps `exports` on the .ts files, so tests, tsx and the examples
 * work without a build; the published one points the same subpaths at the .js files. Publish with
 * `npm publish dist` (the root package is private); `npm pack dist` makes the tarball.
 *
 *   node scripts/build.mjs            # build dist/
 *   node scripts/build.mjs --pack DIR # build, then `npm pack` into DIR; prints the tarball path
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const source = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Runtime imports the built files may have: their own files, node built-ins, and these packages. */
const ALLOWED_PACKAGES = new Set(Object.keys(source.dependencies ?? {}));

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});

/** `./generated/x.ts` → `{ types: './generated/x.d.ts', default: './generated/x.js' }`. */
function target(path) {
  if (typeof path !== 'string' || !path.endsWith('.ts')) throw new Error(`package.json: cannot map ${JSON.stringify(path)}`);
  const js = path.replace(/\.ts$/, '.js');
  if (!existsSync(join(dist, js))) throw new Error(`package.json points at ${path}, but the build has no ${js}`);
  return { types: path.replace(/\.ts$/, '.d.ts'), default: js };
}

const exports = {};
for (const [subpath, path] of Object.entries(source.exports)) exports[subpath] = target(path);
// One subpath per generated API version, also for a version not yet listed in package.json.
for (const service of readdirSync(join(root, 'generated'))) {
  if (!statSync(join(root, 'generated', service)).isDirectory()) continue;
  for (const version of readdirSync(join(root, 'generated', service))) {
    if (!existsSync(join(root, 'generated', service, version, 'index.ts'))) continue;
    const subpath = `./${service}/${version}`;
    if (exports[subpath]) continue;
    console.warn(`build: package.json "exports" lacks "${subpath}"; added to dist/package.json (add it to package.json too)`);
    exports[subpath] = target(`./generated/${service}/${version}/index.ts`);
  }
}
exports['./package.json'] = './package.json';

/**
 * `#default-transport`, the package's one `imports` entry. The source imports
 * `./http/default-transport.js` (lazy: node:http is loaded on the first request, never by a browser
 * bundle); in dist/ those imports go through this map instead, so that bundlers targeting Node
 * (conditions node + module; Node itself never sets `module`) get default-transport.node.js with
 * node:http imported statically, while Node, Deno and browser bundles keep the lazy one.
 */
const imports = {
  '#default-transport': {
    browser: './runtime/http/default-transport.js',
    deno: './runtime/http/default-transport.js',
    node: { module: './runtime/http/default-transport.node.js', default: './runtime/http/default-transport.js' },
    default: './runtime/http/default-transport.js',
  },
};
let rewritten = 0;
for (const file of walk(join(dist, 'runtime'))) {
  if (!file.endsWith('.js') || /default-transport(\.node)?\.js$/.test(file)) continue;
  const text = readFileSync(file, 'utf8');
  const next = text.replace(/(from\s+)'(?:\.\.?\/)+(?:http\/)?default-transport\.js'/g, (_all, from) => `${from}'#default-transport'`);
  if (next !== text) {
    writeFileSync(file, next);
    rewritten++;
  }
}
if (rewritten === 0) throw new Error('build: no import of default-transport.js found to route through #default-transport');

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
  imports,
  dependencies: source.dependencies,
};
writeFileSync(join(dist, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
cpSync(join(root, 'README.md'), join(dist, 'README.md'));
if (existsSync(join(root, 'docs', 'guide.md'))) {
  mkdirSync(join(dist, 'docs'), { recursive: true });
  cpSync(join(root, 'docs', 'guide.md'), join(dist, 'docs', 'guide.md'));
}

// Nothing of the generator's toolchain may be needed at run time.
const problems = [];
for (const file of walk(dist)) {
  if (!file.endsWith('.js')) continue;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith('.') || spec.startsWith('node:') || spec.startsWith('#')) continue;
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (!ALLOWED_PACKAGES.has(name)) problems.push(`${relative(root, file)} imports ${spec}`);
  }
}
if (problems.length > 0) {
  console.error(`dist/ imports packages that are not runtime dependencies:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

const packIndex = process.argv.indexOf('--pack');
if (packIndex >= 0) {
  const into = process.argv[packIndex + 1] ?? root;
  mkdirSync(into, { recursive: true });
  const out = execFileSync('npm', ['pack', dist, '--pack-destination', into, '--json'], { cwd: root, encoding: 'utf8' });
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
