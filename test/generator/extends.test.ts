/**
 * `extends:` — a resource file that starts from another (v3 from v2) and states only the delta.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpecError, formatDiagnostic } from '../../generator/load/diagnostics.js';
import { buildModel } from '../../generator/model/build.js';
import { SERVICE_YAML, WIDGET_YAML, tempProject, type TempProject } from './fixture.js';

const V3_SERVICE = SERVICE_YAML.replace('version: "2"', 'version: "3"')
  .replace('class_name: BlockStorageV2', 'class_name: BlockStorageV3')
  .replace(
    'endpoint_versions: ["2", "3"]',
    'endpoint_versions: ["3"]\nmicroversion: {header_service: volume, min: "3.0", max: "3.71"}',
  );

const V3_WIDGET = `extends: ../v2/widget.yaml
description: A widget, version 3.
fields:
  size: {type: integer, write: [create, update], description: "The size, now updatable."}
  colour: {type: string, min_version: "3.40", description: The colour.}
operations:
  create: {kind: create, description: Creates a widget., min_version: "3.10"}
proxy:
  extendWidget: null
`;

let project: TempProject | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

async function withV3(v3Widget: string): Promise<TempProject> {
  const p = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': WIDGET_YAML });
  await mkdir(path.join(p.root, 'spec/block-storage/v3'), { recursive: true });
  await writeFile(path.join(p.root, 'spec/block-storage/v3/service.yaml'), V3_SERVICE);
  await writeFile(path.join(p.root, 'spec/block-storage/v3/widget.yaml'), v3Widget);
  return p;
}

describe('extends', () => {
  it('merges by key: replaced and added entries, removed ones, base order kept', async () => {
    project = await withV3(V3_WIDGET);
    const model = await buildModel({ root: project.root });
    const v3 = model.services.find((s) => s.version === '3')!;
    const widget = v3.resources[0];
    expect(widget.description).toBe('A widget, version 3.');
    expect(widget.sources).toEqual(['spec/block-storage/v2/widget.yaml', 'spec/block-storage/v3/widget.yaml']);
    expect(widget.fields.map((f) => f.name)).toEqual(['id', 'name', 'size', 'colour']);
    expect(widget.fields.find((f) => f.name === 'size')!.update).toBe(true);
    expect(widget.fields.find((f) => f.name === 'colour')!.minVersion).toBe('3.40');
    expect(widget.operations.find((o) => o.name === 'create')!.minVersion).toBe('3.10');
    expect(widget.operations.find((o) => o.name === 'extend')).toBeDefined();
    expect(widget.methods.map((m) => m.name)).toEqual(['getWidget']);
    // The base is untouched.
    const v2 = model.services.find((s) => s.version === '2')!;
    expect(v2.resources[0].methods.map((m) => m.name)).toEqual(['getWidget', 'extendWidget']);
  });

  it('an error in an entry of the extending file points into that file', async () => {
    project = await withV3(V3_WIDGET.replace('colour: {type: string,', 'colour: {type: strng,'));
    const error = (await buildModel({ root: project.root }).catch((e: unknown) => e)) as SpecError;
    expect(error).toBeInstanceOf(SpecError);
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([
      'spec/block-storage/v3/widget.yaml:5:18: fields.colour.type: unknown type "strng" (did you mean "string"?)',
    ]);
  });

  it('an error that the merge causes in an inherited entry points into the base file', async () => {
    // Without path_params, the inherited get operation (written in v2) has no id to address.
    project = await withV3(
      V3_WIDGET.replace(
        'description: A widget, version 3.\n',
        'description: A widget, version 3.\npath_params: null\n',
      ),
    );
    const error = (await buildModel({ root: project.root }).catch((e: unknown) => e)) as SpecError;
    const messages = error.diagnostics.map(formatDiagnostic);
    expect(messages).toContain(
      'spec/block-storage/v2/widget.yaml:13:15: operations.get.kind: a get operation needs an id, but no path_params entry maps to the id field "id"',
    );
    expect(messages.every((m) => !m.includes('v2/widget.yaml') || m.includes('operations.'))).toBe(true);
  });

  it('a missing base file and a cycle are errors at the extends key', async () => {
    project = await withV3(V3_WIDGET.replace('../v2/widget.yaml', '../v2/gadget.yaml'));
    await expect(buildModel({ root: project.root })).rejects.toThrow(
      'spec/block-storage/v3/widget.yaml:1:10: extends: no spec file spec/block-storage/v2/gadget.yaml',
    );
    await project.remove();
    project = await withV3(V3_WIDGET.replace('../v2/widget.yaml', './widget.yaml'));
    await expect(buildModel({ root: project.root })).rejects.toThrow('extends cycle');
  });

  it('a __proto__ field in the extending file is reported at its own line', async () => {
    project = await withV3(
      V3_WIDGET.replace(
        '  colour: {type: string,',
        '  __proto__: {type: string, description: A hostile key.}\n  colour: {type: string,',
      ),
    );
    const error = (await buildModel({ root: project.root }).catch((e: unknown) => e)) as SpecError;
    expect(error).toBeInstanceOf(SpecError);
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([
      'spec/block-storage/v3/widget.yaml:5:14: fields.__proto__: "__proto__" cannot be a name in the spec (it is special to JavaScript objects)',
    ]);
  });
});
