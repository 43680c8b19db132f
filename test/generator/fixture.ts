/**
 * Throw-away projects for generator tests: the real JSON Schemas, a small valid spec that each test
 * breaks in one way, and the real runtime linked in so that emitted code can be compiled and run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpecError, formatDiagnostic } from '../../generator/load/diagnostics.js';
import { buildModel } from '../../generator/model/build.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const SERVICE_YAML = `service: block-storage
aliases: [volumev2, volume]
version: "2"
endpoint_versions: ["2", "3"]
class_name: BlockStorageV2
attribute: blockStorage
description: A small test service.
proxy:
  waitForStatus:
    wait: status
    description: Waits for a status.
    examples:
      - args: [{$new: Widget, id: w-1, status: available}, available]
        exchanges: []
`;

/** A valid resource; tests replace parts of it. Line numbers matter to some assertions. */
export const WIDGET_YAML = `resource: Widget
description: A widget.
resource_key: widget
resources_key: widgets
base_path: /widgets
path_params:
  widget_id: {field: id, description: The widget ID.}
fields:
  id: {type: string, description: The widget ID.}
  name: {type: string, write: [create, update], description: The name.}
  size: {type: integer, write: create, description: The size.}
operations:
  get: {kind: get, description: Shows a widget.}
  create: {kind: create, description: Creates a widget.}
  extend:
    kind: action
    description: Extends a widget.
    args:
      newSize: {type: integer, required: true, description: The new size.}
    body:
      os-extend:
        new_size: $newSize
proxy:
  getWidget:
    call: get
    examples:
      - args: [w-1]
        request: {method: GET, path: /widgets/w-1}
        response: {status: 200, body: {widget: {id: w-1, name: one}}}
        result: {id: w-1, name: one}
  extendWidget:
    call: extend
    examples:
      - args: [w-1, 3]
        request: {method: POST, path: /widgets/w-1/action, body: {os-extend: {new_size: 3}}}
        response: {status: 202}
`;

export interface TempProject {
  readonly root: string;
  write(rel: string, text: string): Promise<void>;
  read(rel: string): Promise<string>;
  remove(): Promise<void>;
}

/** A project with spec/ (schemas + the given files under spec/block-storage/v2/), runtime/ and testing/ linked. */
export async function tempProject(files: Record<string, string>, dir = tmpdir()): Promise<TempProject> {
  await mkdir(dir, { recursive: true });
  const root = await mkdtemp(path.join(dir, 'osbs-gen-'));
  const specDir = path.join(root, 'spec/block-storage/v2');
  await mkdir(specDir, { recursive: true });
  for (const schema of ['resource.schema.json', 'service.schema.json']) {
    await copyFile(path.join(REPO, 'spec', schema), path.join(root, 'spec', schema));
  }
  await copyFile(path.join(REPO, '.prettierrc.json'), path.join(root, '.prettierrc.json'));
  await writeFile(path.join(root, 'package.json'), '{"type":"module"}\n');
  await symlink(path.join(REPO, 'runtime'), path.join(root, 'runtime'));
  await symlink(path.join(REPO, 'testing'), path.join(root, 'testing'));
  await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(specDir, name), text);
  return {
    root,
    write: (rel, text) => writeFile(path.join(root, rel), text),
    read: (rel) => readFile(path.join(root, rel), 'utf8'),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** WIDGET_YAML with one more field, `color` (an addition, for spec:diff and changelog tests). */
export const WIDGET_WITH_COLOR = WIDGET_YAML.replace(
  'size: {type: integer, write: create, description: The size.}',
  'size: {type: integer, write: create, description: The size.}\n  color: {type: string, description: The color.}',
);

/** WIDGET_WITH_COLOR with `extend`'s newSize argument typed string (a breaking change). */
export const WIDGET_NEWSIZE_STRING = WIDGET_WITH_COLOR.replace(
  'newSize: {type: integer, required: true, description: The new size.}',
  'newSize: {type: string, required: true, description: The new size.}',
);

/** `git <args>` in `root`, its output trimmed. */
export function gitIn(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
}

/** A throwaway git repository holding the spec schemas and a v2 service.yaml (not committed yet). */
export async function specGitRepo(prefix: string): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), prefix));
  await mkdir(path.join(root, 'spec/block-storage/v2'), { recursive: true });
  for (const schema of ['resource.schema.json', 'service.schema.json'])
    await copyFile(path.join(REPO, 'spec', schema), path.join(root, 'spec', schema));
  await writeFile(path.join(root, 'spec/block-storage/v2/service.yaml'), SERVICE_YAML);
  gitIn(root, 'init', '-q');
  return root;
}

/** Commits `widget` as spec/block-storage/v2/widget.yaml in `root` (with spec/); returns the commit. */
export async function commitWidget(root: string, widget: string, message: string): Promise<string> {
  await writeFile(path.join(root, 'spec/block-storage/v2/widget.yaml'), widget);
  gitIn(root, 'add', 'spec');
  gitIn(root, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', message);
  return gitIn(root, 'rev-parse', 'HEAD');
}

/**
 * The diagnostics, formatted as the CLI prints them, of a project whose spec the model builder must
 * reject; any other error is rethrown, and a spec that builds is an error of the test.
 */
export async function specErrorsOf(root: string): Promise<string[]> {
  try {
    await buildModel({ root });
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    return error.diagnostics.map(formatDiagnostic);
  }
  throw new Error('expected the spec to be rejected');
}
