/**
 * Builds the package, packs it with `npm pack` and installs the tarball into a fresh project in a
 * temp directory, as a user would (`npm install <tarball>`). Used by the tarball tests and by the
 * import-time benchmark. The runtime dependencies (`undici`, `yaml`) come from the npm cache when
 * they are there (`--prefer-offline`), so this works without a registry after `npm ci`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface InstalledPackage {
  /** The temp directory (holds the tarball and the project). */
  readonly dir: string;
  readonly tarball: string;
  /** A project with only the package installed: `node_modules/openstack-block-storage`. */
  readonly project: string;
  remove(): void;
}

/** `npm run build`, `npm pack dist`, and `npm install <tarball>` into `<tmp>/app`. */
export function packAndInstall(): InstalledPackage {
  const dir = mkdtempSync(join(tmpdir(), 'osbs-package-'));
  const out = execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--pack', dir], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tarball = out.trim().split('\n').pop() ?? '';
  const project = join(dir, 'app');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2)}\n`,
  );
  execFileSync('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { dir, tarball, project, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
