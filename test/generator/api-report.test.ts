/**
 * The public API report (generated/<service>/<version>/api.md): written by the generator for every
 * version, read back from the emitted code, sorted and stable, and a spec change shows as a small
 * line diff.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../generator/model/build.js';
import { generate } from '../../generator/pipeline.js';
import { REPO, SERVICE_YAML, WIDGET_YAML, tempProject, type TempProject } from './fixture.js';

const REPORT = 'generated/block-storage/v2/api.md';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': WIDGET_YAML });
});
afterAll(async () => {
  await project.remove();
});

async function reportFor(widgetYaml: string): Promise<string> {
  await project.write('spec/block-storage/v2/widget.yaml', widgetYaml);
  const files = await generate(project.root, await buildModel({ root: project.root }));
  const report = files.get(REPORT);
  expect(report, 'api.md is part of the generated files').toBeDefined();
  return report!;
}

function diffLines(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)) };
}

describe('api.md', () => {
  it('lists every export of the version, one line per member, in declaration-file style', async () => {
    const report = await reportFor(WIDGET_YAML);
    expect(report).toContain('# Public API: block-storage v2');
    expect(report).toContain(
      'class BlockStorageV2 {\n  static readonly service: ServiceVersionDescriptor;\n  readonly client: ServiceClient;\n  constructor(client: ServiceClient);\n',
    );
    expect(report).toContain(
      '  extendWidget(widget: string | Widget, newSize: number, options?: RequestOptions): Promise<void>;',
    );
    expect(report).toContain('  getWidget(widget: string | Widget, options?: RequestOptions): Promise<Widget>;');
    expect(report).toContain(
      '  waitForStatus<T extends Resource, O extends WaitForStatusOptions = WaitForStatusOptions>(resource: T, status?: StatusTarget<T, O>, options?: WaitForStatusOptionsOf<T, O>): Promise<T>;\n' +
        '  waitForStatus<T extends Resource, O extends WaitForStatusOptions = WaitForStatusOptions>(type: ResourceClass<T>, id: string, status?: StatusTarget<T, O>, options?: WaitForStatusOptionsOf<T, O>): Promise<T>;',
    );
    expect(report).toContain('class Widget extends Resource {');
    // Fields are properties of the instance: writable where they can be sent; the ID is always there.
    expect(report).toContain('  readonly id: string;');
    expect(report).toContain('  size?: number;');
    expect(report).toContain("  extend: { id: 'Widget.extend', method: 'POST', path: '/widgets/{widget_id}/action' };");
    expect(report).toContain(
      'function extendWidget(client: ServiceClient, widget: string | Widget, newSize: number, options?: RequestOptions): Promise<void>;',
    );
    expect(report).toContain('interface WidgetAttributes {\n  readonly id?: string | null;');
    // No doc comments, no implementation details.
    expect(report).not.toMatch(/\/\*\*(?! @deprecated \*\/)/);
    expect(report).not.toContain('return ');
  });

  it('sorts members by name and is byte-for-byte stable', async () => {
    const first = await reportFor(WIDGET_YAML);
    const second = await reportFor(WIDGET_YAML);
    expect(second).toBe(first);
    const proxy = first.slice(
      first.indexOf('class BlockStorageV2'),
      first.indexOf('\n}', first.indexOf('class BlockStorageV2')),
    );
    const methods = proxy
      .split('\n')
      .filter((l) => /^ {2}(?!constructor)[a-z]\w*[(<]/.test(l))
      .map((l) => l.trim().replace(/[(<].*/, ''));
    expect(methods).toEqual([...methods].sort());
    // One line per overload: the waiter takes a resource, or a class and an ID.
    expect(methods).toEqual(['extendWidget', 'getWidget', 'waitForStatus', 'waitForStatus']);
  });

  it('shows a spec change as a few changed lines', async () => {
    const before = await reportFor(WIDGET_YAML);
    const after = await reportFor(
      WIDGET_YAML.replace(
        'newSize: {type: integer, required: true, description: The new size.}',
        'newSize: {type: integer, description: The new size.}',
      ).replace(
        'size: {type: integer, write: create, description: The size.}',
        'size: {type: integer, write: create, description: The size.}\n  volumeType: {wire: volume_type, type: string, description: The type.}',
      ),
    );
    const { removed, added } = diffLines(before, after);
    expect(removed).toEqual([
      '  extendWidget(widget: string | Widget, newSize: number, options?: RequestOptions): Promise<void>;',
      'function extendWidget(client: ServiceClient, widget: string | Widget, newSize: number, options?: RequestOptions): Promise<void>;',
    ]);
    expect(added.sort()).toEqual(
      [
        '  extendWidget(widget: string | Widget, options?: ExtendWidgetOptions): Promise<void>;',
        '  readonly volumeType?: string;',
        '  readonly newSize?: number;',
        '  readonly volumeType?: string | null;',
        'function extendWidget(client: ServiceClient, widget: string | Widget, options?: ExtendWidgetOptions): Promise<void>;',
        'interface ExtendWidgetOptions extends RequestOptions {',
      ].sort(),
    );
  });

  it('marks deprecated methods', async () => {
    const report = await reportFor(
      WIDGET_YAML.replace(
        '  getWidget:\n    call: get\n',
        '  getWidget:\n    call: get\n    deprecated: Use something else.\n',
      ),
    );
    expect(report).toContain(
      '  /** @deprecated */ getWidget(widget: string | Widget, options?: RequestOptions): Promise<Widget>;',
    );
    expect(report).toContain('/** @deprecated */ function getWidget(');
  });

  it('the committed report of every version agrees with the model: every proxy method is listed', async () => {
    const model = await buildModel({ root: REPO });
    for (const service of model.services) {
      const file = path.join(REPO, service.outDir, 'api.md');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        throw new Error(`${service.outDir}/api.md is missing: run npm run generate`);
      }
      const proxy = text.slice(text.indexOf(`class ${service.className} {`));
      for (const resource of service.resources) {
        for (const method of resource.methods)
          expect(proxy, `${service.className}.${method.name}`).toMatch(
            new RegExp(`\\n {2}(/\\*\\* @deprecated \\*/ )?${method.name}\\(`),
          );
        expect(text).toContain(`class ${resource.name} extends Resource {`);
      }
    }
  });
});
