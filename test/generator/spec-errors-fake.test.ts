/**
 * Malformed declarations the fake cloud reads (`quota`, an operation's `aggregate`, a field's
 * `server_default`, a seed value read from a setting) are reported as file:line:col: where: what, all at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SERVICE_YAML, WIDGET_YAML, specErrorsOf, tempProject, type TempProject } from './fixture.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

async function errorsFor(widget: string): Promise<string[]> {
  project = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': widget });
  return specErrorsOf(project.root);
}

const FILE = 'spec/block-storage/v2/widget.yaml';

describe('spec errors in what the fake cloud reads', () => {
  it('a server_default, or a seed value read from a setting, that is not a value of the field type', async () => {
    const widget = WIDGET_YAML.replace(
      '  size: {type: integer, write: create, description: The size.}',
      [
        '  size: {type: integer, write: create, server_default: big, description: The size.}',
        '  zone: {type: string, server_default: {setting: zone, value: 3}, description: The zone.}',
        'seed:',
        '  - {name: {setting: widget_name, value: 3}, size: 1}',
      ].join('\n'),
    );
    expect(await errorsFor(widget)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${FILE}:11:\\d+: fields\\.size\\.server_default: server_default "big" is not a value of the field's type integer$`,
        ),
      ),
      expect.stringMatching(
        /fields\.zone\.server_default\.value: server_default 3 is not a value of the field's type string$/,
      ),
      expect.stringMatching(/seed\.0\.name\.value: seed value 3 is not a value of the field's type string$/),
    ]);
  });

  it('an aggregate over a response that is not a struct, of an unknown member, or without the field it measures', async () => {
    const widget = WIDGET_YAML.replace(
      'operations:\n',
      [
        'structs:',
        '  Totals:',
        '    description: Totals.',
        '    fields:',
        '      total: {type: integer, description: A sum.}',
        'operations:',
        '  totals:',
        '    kind: request',
        '    method: GET',
        '    path: /widgets/totals',
        '    description: Totals.',
        '    response: {key: totals, type: Totals}',
        '    aggregate:',
        '      total: {measure: sum}',
        '      missing: {measure: count}',
        '  sizes:',
        '    kind: request',
        '    method: GET',
        '    path: /widgets/sizes',
        '    description: Sizes.',
        '    response: {key: sizes, type: integer}',
        '    aggregate:',
        '      total: {measure: sum, field: colour}',
        '',
      ].join('\n'),
    );
    expect(await errorsFor(widget)).toEqual([
      expect.stringMatching(/operations\.totals\.aggregate\.total: measure sum needs a field$/),
      expect.stringMatching(
        /operations\.totals\.aggregate\.missing: no field "missing" in the response struct Totals$/,
      ),
      expect.stringMatching(
        /operations\.sizes\.aggregate: aggregate needs a response of a struct of this resource \(\{key, type: <Struct>\}\)$/,
      ),
    ]);
  });

  it('quota declarations: keys naming unknown resources or fields, members of another role, unknown operations and keys', async () => {
    const widget = WIDGET_YAML.replace(
      'fields:\n',
      [
        'quota:',
        '  role: project',
        '  defaults: nothing',
        '  usage_arg: usage',
        '  project_arg: nothing',
        '  keys:',
        '    widgets: {measure: count, of: [Gadget]}',
        '    gigabytes: {measure: sum, of: [Widget]}',
        '    colours: {measure: largest, of: [Widget], field: colour}',
        '  values:',
        '    absolute.max: {key: widgets, value: limit}',
        'fields:',
        '',
      ].join('\n'),
    );
    expect(await errorsFor(widget)).toEqual([
      expect.stringMatching(/widget\.yaml:10:\d+: quota\.defaults: no operation named "nothing"$/),
      expect.stringMatching(/quota\.usage_arg: the get operation has no argument "usage"$/),
      expect.stringMatching(/quota\.project_arg: no GET operation has an argument "nothing"$/),
      expect.stringMatching(/quota\.project_arg: project_arg only applies to the role limits$/),
      expect.stringMatching(/quota\.keys\.widgets\.of\.0: unknown resource "Gadget"$/),
      expect.stringMatching(/quota\.keys\.gigabytes: measure sum needs a field$/),
      expect.stringMatching(/quota\.keys\.colours\.field: Widget has no field with wire name "colour"$/),
      expect.stringMatching(/quota\.values: values only applies to the role limits$/),
      expect.stringMatching(
        /quota\.values\.absolute\.max: no response field at "absolute\.max" \(dotted wire names\)$/,
      ),
    ]);
  });

  it('a limits declaration needs the project quota resource, and only its keys', async () => {
    const widget = WIDGET_YAML.replace(
      'fields:\n',
      [
        'quota:',
        '  role: limits',
        '  of: Widget',
        '  values:',
        '    name: {key: widgets, value: in_use}',
        'fields:',
        '',
      ].join('\n'),
    );
    expect(await errorsFor(widget)).toEqual([
      expect.stringMatching(/quota\.of: Widget declares no project quota \(quota\.role: project\)$/),
    ]);
  });
});
