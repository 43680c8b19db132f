/**
 * Examples are checked with the spec: a misspelt key in an example's expected request, its reply or
 * its expected result is a spec error at that key, from `generate --validate` on, with the nearest
 * known key; and a generated test that fails names the spec line of its example first.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Diagnostics, SpecError, formatDiagnostic } from '../../generator/load/diagnostics.js';
import { findSpecFiles, parseSource, positionOf } from '../../generator/load/source.js';
import { buildModel } from '../../generator/model/build.js';
import { REPO, SERVICE_YAML, WIDGET_YAML, tempProject, type TempProject } from './fixture.js';

const run = promisify(execFile);
const FILE = 'spec/block-storage/v2/widget.yaml';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

async function errorsFor(widget: string): Promise<string[]> {
  // A test may call this more than once: the earlier project goes before the next is made.
  await project?.remove();
  project = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': widget });
  try {
    await buildModel({ root: project.root });
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as SpecError).diagnostics.map(formatDiagnostic);
  }
  throw new Error('expected the spec to be rejected');
}

/** `file:line:col` of the value of `key` on the line of the spec that contains `text`. */
function at(spec: string, text: string, key: string): string {
  const lines = spec.split('\n');
  const line = lines.findIndex((l) => l.includes(text));
  const col = lines[line].indexOf(`${key}: `, lines[line].indexOf(text)) + key.length + 2;
  return `${FILE}:${line + 1}:${col + 1}`;
}

/** WIDGET_YAML with a create method and an argument-keyed request (`{$key: $value}`). */
const RICHER = WIDGET_YAML.replace(
  'proxy:\n',
  `  setTag:
    kind: request
    method: PUT
    path: /widgets/{widget_id}/tags/{tag}
    description: Sets one tag.
    args:
      key: {type: string, in: path, wire: tag, required: true, description: The tag.}
      value: {type: string, required: true, description: The value.}
    body: {tags: {$key: $value}}
proxy:
  createWidget:
    call: create
    examples:
      - args: [{name: a, size: 2}]
        request: {method: POST, path: /widgets, body: {widget: {name: a, size: 2}}}
        response: {status: 202, body: {widget: {id: w-2, name: a, size: 2}}}
        result: {id: w-2, name: a, size: 2}
  setWidgetTag:
    call: setTag
    examples:
      - args: [w-1, colour, blue]
        request: {method: PUT, path: /widgets/w-1/tags/colour, body: {tags: {colour: blue}}}
        response: {status: 200}
`,
);

describe('a wrong key in an example', () => {
  it('the examples of the real spec, and keys under an argument-named key, pass', async () => {
    project = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': RICHER });
    const model = await buildModel({ root: project.root });
    expect(model.services[0].resources[0].methods.map((m) => m.name)).toContain('setWidgetTag');
    await expect(buildModel({ root: REPO })).resolves.toBeDefined();
  });

  it('in the expected request body is reported at the key, with the key it should be', async () => {
    const spec = WIDGET_YAML.replace('{os-extend: {new_size: 3}}', '{os-extend: {new_sizee: 3}}');
    expect(await errorsFor(spec)).toEqual([
      `${at(spec, 'os-extend: {new_sizee', 'new_sizee')}: proxy.extendWidget.examples.0.request.body.os-extend.new_sizee: unknown key "new_sizee" in the request body of Widget.extend (did you mean "new_size"?)`,
    ]);
  });

  it('in a create body is reported with the fields sent on create', async () => {
    const spec = RICHER.replace('body: {widget: {name: a, size: 2}}}', 'body: {widget: {name: a, sise: 2}}}');
    expect(await errorsFor(spec)).toEqual([
      `${at(spec, '{name: a, sise', 'sise')}: proxy.createWidget.examples.0.request.body.widget.sise: unknown key "sise" in the create body of Widget: no field of Widget is sent on create under this wire name (did you mean "size"?)`,
    ]);
  });

  it('in the reply is reported with the wire names the resource has', async () => {
    const spec = WIDGET_YAML.replace('body: {widget: {id: w-1, name: one}}}', 'body: {widget: {id: w-1, nmae: one}}}');
    expect(await errorsFor(spec)).toEqual([
      `${at(spec, 'nmae: one', 'nmae')}: proxy.getWidget.examples.0.response.body.widget.nmae: unknown key "nmae" in the reply: Widget has no field with this wire name (did you mean "name"?)`,
    ]);
  });

  it('in the expected result is reported with the attribute names', async () => {
    const spec = WIDGET_YAML.replace('result: {id: w-1, name: one}', 'result: {id: w-1, nam: one}');
    expect(await errorsFor(spec)).toEqual([
      `${at(spec, 'result: {id: w-1, nam', 'nam')}: proxy.getWidget.examples.0.result.nam: unknown key "nam" in the result: Widget has no attribute of this name (did you mean "name"?)`,
    ]);
  });

  it('fails `npm run generate -- --validate` with that line', async () => {
    const spec = WIDGET_YAML.replace('{os-extend: {new_size: 3}}', '{os-extend: {new_sizee: 3}}');
    project = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': spec });
    const result = await run(
      process.execPath,
      [path.join(REPO, 'scripts/generate.mjs'), '--root', project.root, '--validate'],
      {
        cwd: REPO,
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${at(spec, 'os-extend: {new_sizee', 'new_sizee')}: proxy.extendWidget.examples.0.request.body.os-extend.new_sizee: unknown key "new_sizee"`,
    );
  });
});

describe('the spec line of a generated case', () => {
  it('is in every case of cases.json and points at its example', async () => {
    const cases = JSON.parse(
      await readFile(path.join(REPO, 'generated/block-storage/v3/tests/volume.cases.json'), 'utf8'),
    ) as { methods: Record<string, { title: string; spec?: string }[]> };
    const all = Object.values(cases.methods).flat();
    expect(all.length).toBeGreaterThan(50);
    const specs = new Map<string, string[]>();
    for (const c of all) {
      expect(c.spec, c.title).toMatch(/^spec\/block-storage\/v[23]\/volume\.yaml:\d+$/);
      const [file, line] = c.spec!.split(':');
      const lines = specs.get(file) ?? (await readFile(path.join(REPO, file), 'utf8')).split('\n');
      specs.set(file, lines);
      // An example is a sequence item; the error cases of get and find point at their method.
      expect(lines[Number(line) - 1], c.spec).toMatch(/^\s+(- |[a-z_]+:)/);
    }
  });

  it('is the line and column the position-keeping parser gives, for every example and method', async () => {
    let checked = 0;
    for (const absolute of await findSpecFiles(path.join(REPO, 'spec'))) {
      const file = path.relative(REPO, absolute);
      const doc = parseSource(file, await readFile(absolute, 'utf8'), new Diagnostics())!;
      const proxy = (doc.data as { proxy?: Record<string, { examples?: object[] }> }).proxy ?? {};
      for (const [name, method] of Object.entries(proxy)) {
        const exact = (p: (string | number)[]): unknown => {
          const { line, col } = doc.locate(p);
          return { file, line, col };
        };
        expect(positionOf(method), `${file} ${name}`).toEqual(exact(['proxy', name]));
        (method.examples ?? []).forEach((example, i) => {
          expect(positionOf(example), `${file} ${name} example ${i}`).toEqual(exact(['proxy', name, 'examples', i]));
          checked++;
        });
      }
    }
    expect(checked).toBeGreaterThan(400);
  });

  it('comes first in the message of a failing generated test', async () => {
    project = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': WIDGET_YAML });
    await run(process.execPath, [path.join(REPO, 'scripts/generate.mjs'), '--root', project.root], { cwd: REPO });
    // A case whose expected request the SDK does not send (as a stale or hand-edited file would be).
    const casesFile = path.join(project.root, 'generated/block-storage/v2/tests/widget.cases.json');
    const cases = await readFile(casesFile, 'utf8');
    expect(cases).toContain('"new_size": 3');
    await writeFile(casesFile, cases.replace('"new_size": 3', '"new_sizee": 3'));
    const result = await run(
      process.execPath,
      [
        path.join(REPO, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        project.root,
        'generated/block-storage/v2/tests/widget.test.ts',
      ],
      { cwd: project.root, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
    ).then(
      (r) => ({ code: 0, output: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, output: e.stdout + e.stderr }),
    );
    expect(result.code).toBe(1);
    const line = WIDGET_YAML.split('\n').findIndex((l) => l.includes('- args: [w-1, 3]')) + 1;
    expect(result.output).toContain(`${FILE}:${line} (extendWidget[0]): requests sent (method, path, query, body)`);
  });
});
