/**
 * Malformed `effects` and the fake cloud's view keys (summary_fields, shown_only_by,
 * any_project, project_scoped, rows_from): each mistake is reported at its place, with what is wrong.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildModel } from '../../generator/model/build.js';
import { SERVICE_YAML, WIDGET_YAML, specErrorsOf, tempProject, type TempProject } from './fixture.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

/** A second resource the widget's effects act on. */
const GADGET_YAML = `resource: Gadget
description: A gadget.
resource_key: gadget
resources_key: gadgets
base_path: /gadgets
path_params:
  gadget_id: {field: id, description: The gadget ID.}
status:
  field: status
  values: [available, held]
  failures: []
fields:
  id: {type: string, description: The gadget ID.}
  status: {type: string, description: The status.}
operations:
  get: {kind: get, description: Shows a gadget.}
`;

async function errorsFor(extra: string): Promise<string[]> {
  await project?.remove();
  project = await tempProject({
    'service.yaml': SERVICE_YAML,
    'widget.yaml': `${WIDGET_YAML}${extra}`,
    'gadget.yaml': GADGET_YAML,
  });
  return specErrorsOf(project.root);
}

describe('spec errors: effects', () => {
  it('a valid effect on another resource loads and reaches the model with its values parsed', async () => {
    project = await tempProject({
      'service.yaml': SERVICE_YAML,
      'widget.yaml': `${WIDGET_YAML}effects:\n  extend:\n    - {resource: Gadget, id: $newSize, from: [available], refuse: "Invalid gadget: {status}", status: held}\n`,
      'gadget.yaml': GADGET_YAML,
    });
    const model = await buildModel({ root: project.root });
    const widget = model.services[0].resources.find((r) => r.name === 'Widget')!;
    expect(widget.relations?.effects).toMatchObject([
      { operation: 'extend', resource: 'Gadget', id: { kind: 'arg', arg: 'newSize' }, from: ['available'] },
    ]);
  });

  it('an effect naming an unknown operation, argument, field, resource or cloud value is an error at its place', async () => {
    const errors = await errorsFor(
      [
        'effects:',
        '  shrink:',
        '    - {set: {size: 1}}',
        '  extend:',
        '    - {set: {colour: $newSize, size: $size}}',
        '    - {resource: Gizmo, id: $newSize, status: held}',
        '    - {set: {name: "@tomorrow"}}',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([
      expect.stringMatching(/widget\.yaml:\d+:\d+: effects\.shrink: no operation named "shrink"$/),
      expect.stringMatching(/effects\.extend\.0\.set\.colour: no field named "colour"$/),
      expect.stringMatching(/effects\.extend\.0\.set\.size: operation "extend" has no argument "size"$/),
      expect.stringMatching(/effects\.extend\.1\.resource: unknown resource "Gizmo"$/),
      expect.stringMatching(/effects\.extend\.2\.set\.name: unknown cloud value "@tomorrow"/),
    ]);
  });

  it('an effect on another resource needs one of id and where, and its fields and statuses must exist there', async () => {
    const errors = await errorsFor(
      [
        'effects:',
        '  extend:',
        '    - {resource: Gadget, status: held}',
        '    - {resource: Gadget, id: $newSize, set: {colour: red}}',
        '    - {resource: Gadget, id: $newSize, status: lost}',
        '    - {id: $newSize, status: held}',
        '    - {require: {size: $newSize}}',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([
      expect.stringMatching(/effects\.extend\.0: an effect on another resource needs exactly one of id .* or where/),
      expect.stringMatching(/:40:7: effects\.extend: Gadget has no field named "colour"$/),
      expect.stringMatching(/:41:7: effects\.extend: status "lost" is not in Gadget's status\.values$/),
      expect.stringMatching(/effects\.extend\.3: id and where name a record of another resource: add resource$/),
      expect.stringMatching(/effects\.extend\.4\.require: require needs refuse/),
    ]);
  });

  it('an unknown key of an effect is refused by the schema', async () => {
    const errors = await errorsFor('effects:\n  extend:\n    - {resource: Gadget, id: $newSize, colour: red}\n');
    expect(errors).toEqual([expect.stringMatching(/effects\.extend\.0\.colour: unknown key "colour"$/)]);
  });

  it('the view keys name fields and operations of the resource, and rows_from a resource', async () => {
    const errors = await errorsFor(
      [
        'summary_fields: [id, colour]',
        'shown_only_by: {name: [rename]}',
        'any_project: [accept]',
        'rows_from: {resource: Gizmo, where: {id: $id}, fields: {id: .id}}',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([
      expect.stringMatching(/summary_fields\.1: no field named "colour"$/),
      expect.stringMatching(/shown_only_by\.name\.0: no operation named "rename"$/),
      expect.stringMatching(/any_project\.0: no operation named "accept"$/),
      expect.stringMatching(/rows_from: rows_from needs a list operation$/),
      expect.stringMatching(/rows_from\.resource: unknown resource "Gizmo"$/),
    ]);
  });
});
