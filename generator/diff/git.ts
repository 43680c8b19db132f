/**
 * The spec at a git revision, as a SpecModel, without touching the working tree: the revision's
 * spec/ and generator/ are read with `git ls-tree` and `git cat-file --batch` into a temporary
 * folder, and the model is built by that revision's own builder (what its generated SDK was made
 * from), or by the current one with `builder: 'current'`. No ref means the working tree.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildModel } from '../model/build.js';
import type { SpecModel } from '../model/types.js';

export interface LoadedSpec {
  /** What to call this side in reports: the ref as given (with its short hash), or `working tree`. */
  readonly label: string;
  readonly model: SpecModel;
}

export type Builder = 'revision' | 'current';

function git(root: string, args: readonly string[], input?: string): Buffer {
  const r = spawnSync('git', args, { cwd: root, input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new GitError(`git ${args.join(' ')}: ${r.stderr.toString().trim() || `exit ${r.status}`}`);
  return r.stdout;
}

export class GitError extends Error {}

/** Resolves a ref to a commit; throws GitError with git's message when it does not exist. */
export function resolveRef(root: string, ref: string): string {
  return git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
    .toString()
    .trim();
}

/** `git cat-file --batch` output → file contents, in the order asked. */
function readBlobs(root: string, commit: string, files: readonly string[]): Buffer[] {
  const out = git(root, ['cat-file', '--batch'], files.map((f) => `${commit}:${f}\n`).join(''));
  const blobs: Buffer[] = [];
  let at = 0;
  for (const file of files) {
    const nl = out.indexOf(0x0a, at);
    const header = out.subarray(at, nl).toString();
    const m = /^\S+ blob (\d+)$/.exec(header);
    if (!m) throw new GitError(`git cat-file: cannot read ${commit}:${file} (${header})`);
    const size = Number(m[1]);
    blobs.push(out.subarray(nl + 1, nl + 1 + size));
    at = nl + 1 + size + 1;
  }
  return blobs;
}

export async function loadSpec(
  root: string,
  ref: string | undefined,
  builder: Builder = 'revision',
): Promise<LoadedSpec> {
  if (ref === undefined) return { label: 'working tree', model: await buildModel({ root }) };
  const commit = resolveRef(root, ref);
  const short = commit.slice(0, 10);
  const label = ref === commit || commit.startsWith(ref) ? short : `${ref} (${short})`;
  const list = git(root, ['ls-tree', '-r', '-z', '--name-only', commit, '--', 'spec', 'generator'])
    .toString()
    .split('\0')
    .filter(Boolean);
  const specFiles = list.filter((f) => f.startsWith('spec/'));
  if (!specFiles.some((f) => f.endsWith('.yaml'))) return { label, model: { services: [] } };
  const wanted = builder === 'revision' ? list : specFiles;
  const dir = await mkdtemp(path.join(tmpdir(), 'spec-diff-'));
  try {
    const blobs = readBlobs(root, commit, wanted);
    for (const [i, file] of wanted.entries()) {
      await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
      await writeFile(path.join(dir, file), blobs[i]);
    }
    let build: typeof buildModel = buildModel;
    if (builder === 'revision' && wanted.includes('generator/model/build.ts')) {
      // The revision's builder imports its dependencies (yaml, ajv) from this project.
      await symlink(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      await writeFile(path.join(dir, 'package.json'), '{"type":"module"}\n');
      const mod = (await import(pathToFileURL(path.join(dir, 'generator/model/build.ts')).href)) as {
        buildModel: typeof buildModel;
      };
      build = mod.buildModel;
    }
    return { label, model: normalizeModel(await build({ root: dir })) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Older builders made slightly different models (the types of generator/model/types.ts grew);
 * fills in what the differ reads so that every revision of this repository compares.
 */
export function normalizeModel(model: SpecModel): SpecModel {
  return {
    services: model.services.map((s) => ({
      ...s,
      helpers: s.helpers ?? [],
      resources: s.resources.map((r) => ({
        ...r,
        sources: r.sources ?? [r.file],
        structs: r.structs ?? [],
        operations: r.operations.map((o) => ({ ...o, routes: o.routes ?? [], args: o.args ?? [] })),
        methods: (r.methods ?? []).map((m) => ({
          ...m,
          switches: m.switches ?? [],
          params: m.params.map((p) =>
            p.role.kind === 'target' && typeof p.role.parent === 'string'
              ? { ...p, role: { ...p.role, parent: { resource: p.role.parent, field: '' } } }
              : p,
          ),
        })),
      })),
    })),
  };
}
