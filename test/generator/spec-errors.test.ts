/**
 * A malformed spec is reported, all at once, as file:line:col: where: what — and nothing is emitted.
 */
import { truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpecError, formatDiagnostic } from '../../generator/load/diagnostics.js';
import { buildModel } from '../../generator/model/build.js';
import { SERVICE_YAML, WIDGET_YAML, specErrorsOf, tempProject, type TempProject } from './fixture.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

async function errorsFor(widget: string, extra: Record<string, string> = {}): Promise<string[]> {
  // A test may call this more than once: the earlier project goes before the next is made.
  await project?.remove();
  project = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': widget, ...extra });
  return specErrorsOf(project.root);
}

const FILE = 'spec/block-storage/v2/widget.yaml';

describe('spec errors', () => {
  it('the valid fixture loads', async () => {
    project = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': WIDGET_YAML });
    const model = await buildModel({ root: project.root });
    expect(model.services[0].resources[0].methods.map((m) => m.name)).toEqual(['getWidget', 'extendWidget']);
  });

  it('a YAML syntax error names the line', async () => {
    const broken = WIDGET_YAML.replace(
      '  id: {type: string, description: The widget ID.}',
      '  id: {type: string, description: The widget ID.',
    );
    const errors = await errorsFor(broken);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/^spec\/block-storage\/v2\/widget\.yaml:\d+:\d+: YAML: /);
  });

  it('a duplicate key is a YAML error at its line', async () => {
    const errors = await errorsFor(
      WIDGET_YAML.replace('resource_key: widget\n', 'resource_key: widget\nresource_key: gadget\n'),
    );
    expect(errors).toEqual([
      expect.stringMatching(/^spec\/block-storage\/v2\/widget\.yaml:4:1: YAML: Map keys must be unique/),
    ]);
  });

  it('a deprecated alias loads when it sends what its field sends, and is refused otherwise', async () => {
    const alias = (line: string): string =>
      WIDGET_YAML.replace('  size: {type: integer, write: create, description: The size.}\n', `$&${line}\n`);
    project = await tempProject({
      'service.yaml': SERVICE_YAML,
      'widget.yaml': alias(
        '  volume: {wire: size, type: integer, write: create, deprecated: {use: size}, description: Old name.}',
      ),
    });
    const fields = (await buildModel({ root: project.root })).services[0].resources[0].fields;
    expect(fields.find((f) => f.name === 'volume')).toMatchObject({ aliasOf: 'size', deprecated: 'Use `size`.' });

    const errors = [
      ...(await errorsFor(alias('  volume: {wire: size, type: integer, deprecated: {use: nope}, description: Old.}'))),
      ...(await errorsFor(
        alias('  volume: {wire: vol, type: integer, write: create, deprecated: {use: size}, description: Old.}'),
      )),
      ...(await errorsFor(alias('  volume: {wire: size, type: integer, description: Not an alias.}'))),
    ];
    expect(errors).toEqual([
      // Not an alias of "size", so its key clashes too.
      expect.stringContaining('fields.volume.wire: wire name "size" is already used by field "size"'),
      expect.stringContaining('fields.volume.deprecated.use: "nope" is not a field of Widget'),
      expect.stringContaining('fields.volume.deprecated.use: "size" is not sent on create under "vol" as the alias is'),
      expect.stringContaining('fields.volume.wire: wire name "size" is already used by field "size"'),
    ]);
  });

  it('an unknown type is reported where it is written, with a suggestion', async () => {
    const errors = await errorsFor(WIDGET_YAML.replace('newSize: {type: integer,', 'newSize: {type: integr,'));
    expect(errors).toEqual([
      `${FILE}:19:23: operations.extend.args.newSize.type: unknown type "integr" (did you mean "integer"?)`,
    ]);
  });

  it('schema violations: unknown keys and wrong values, all in one run', async () => {
    const broken = WIDGET_YAML.replace(
      '  get: {kind: get, description: Shows a widget.}',
      '  get: {kind: fetch, description: Shows a widget., colour: red}',
    );
    const errors = await errorsFor(broken);
    expect(errors).toContain(
      `${FILE}:13:15: operations.get.kind: must be one of "create", "get", "update", "delete", "list", "action", "request"`,
    );
    expect(errors).toContain(`${FILE}:13:60: operations.get.colour: unknown key "colour"`);
  });

  it('an unresolved resource reference', async () => {
    const broken = WIDGET_YAML.replace(
      'newSize: {type: integer, required: true, description: The new size.}',
      'newSize: {ref: Gizmo, required: true, description: The new size.}',
    );
    const errors = await errorsFor(broken);
    expect(errors).toEqual([`${FILE}:19:22: operations.extend.args.newSize.ref: unknown resource "Gizmo"`]);
  });

  it('an unknown operation, argument or field referenced from proxy and body', async () => {
    const broken = WIDGET_YAML.replace('new_size: $newSize', 'new_size: $newSise').replace(
      '    call: extend',
      '    call: extnd',
    );
    const errors = await errorsFor(broken);
    expect(errors).toContain(
      `${FILE}:22:19: operations.extend.body.os-extend.new_size: "$newSise": no argument named "newSise" (declare it under args)`,
    );
    expect(errors).toContain(
      `${FILE}:19:16: operations.extend.args.newSize: argument is never sent (not used in body)`,
    );
    expect(errors).toContain(`${FILE}:32:11: proxy.extendWidget.call: no operation named "extnd" in Widget`);
  });

  it('an impossible microversion range (min above max)', async () => {
    const broken = WIDGET_YAML.replace(
      '  create: {kind: create, description: Creates a widget.}',
      '  create: {kind: create, description: Creates a widget., min_version: "3.53", max_version: "3.12"}',
    );
    const errors = await errorsFor(broken);
    expect(errors).toEqual([
      `${FILE}:14:92: operations.create.max_version: impossible microversion range: max_version 3.12 is below min_version 3.53 (min_version at line 14)`,
    ]);
  });

  it('an impossible range on a field points at its bound, not at the first key of the field', async () => {
    const errors = await errorsFor(
      WIDGET_YAML.replace(
        '  size: {type: integer, write: create, description: The size.}',
        '  size:\n    type: integer\n    min_version: "3.13"\n    max_version: "3.10"\n    description: The size.',
      ),
    );
    expect(errors).toEqual([
      `${FILE}:14:18: fields.size.max_version: impossible microversion range: max_version 3.10 is below min_version 3.13 (min_version at line 13)`,
    ]);
  });

  it('a path parameter that nothing declares', async () => {
    const errors = await errorsFor(
      WIDGET_YAML.replace('base_path: /widgets', 'base_path: /gadgets/{gadget_id}/widgets'),
    );
    expect(errors).toEqual([`${FILE}:5:12: base_path: path parameter {gadget_id} is not declared in path_params`]);
  });

  it('an action on a resource without an id', async () => {
    const noId = WIDGET_YAML.replace('path_params:\n  widget_id: {field: id, description: The widget ID.}\n', '');
    const errors = await errorsFor(noId);
    expect(errors).toContain(
      `${FILE}:11:15: operations.get.kind: a get operation needs an id, but no path_params entry maps to the id field "id"`,
    );
    expect(errors).toContain(
      `${FILE}:14:11: operations.extend.kind: an action operation needs an id, but no path_params entry maps to the id field "id"`,
    );
  });

  it('duplicate proxy method names across files', async () => {
    const gadget = WIDGET_YAML.replace('resource: Widget', 'resource: Gadget').replace(
      '  extendWidget:',
      '  extendGadget:',
    );
    const errors = await errorsFor(WIDGET_YAML, { 'gadget.yaml': gadget });
    expect(errors).toEqual([
      `${FILE}:25:5: proxy.getWidget: proxy method "getWidget" is also declared in spec/block-storage/v2/gadget.yaml`,
    ]);
  });

  it('a reserved word cannot be a parameter', async () => {
    const errors = await errorsFor(WIDGET_YAML.replace(/newSize/g, 'delete'));
    expect(errors).toContain(
      `${FILE}:32:11: proxy.extendWidget.call: "delete" cannot be a parameter name (reserved in the emitted code)`,
    );
  });

  it('a lifecycle transition naming an unknown operation, field or argument', async () => {
    const widget = WIDGET_YAML.replace(
      'fields:\n',
      [
        'status:',
        '  field: status',
        '  failures: [error]',
        '  transitions:',
        '    create: {via: creating, to: available}',
        '    extend: {from: [available], via: extending, to: available, set: {size: $size, colour: $newSize}}',
        '    shrink: {via: shrinking}',
        'fields:',
        '  status: {type: string, description: The status.}',
        '',
      ].join('\n'),
    );
    const errors = await errorsFor(widget);
    expect(errors).toEqual([
      expect.stringMatching(/status\.transitions\.extend\.set\.size: operation "extend" has no argument "size"$/),
      expect.stringMatching(/status\.transitions\.extend\.set\.colour: no field named "colour"$/),
      expect.stringMatching(/status\.transitions\.shrink: no operation named "shrink"$/),
    ]);
  });

  describe('members and stored_as (the fake cloud’s related records)', () => {
    const PART = [
      'resource: Part',
      'description: A part of a widget.',
      'resource_key: part',
      'base_path: /parts',
      'path_params:',
      '  part_id: {field: id, description: The part ID.}',
      'fields:',
      '  id: {type: string, description: The part ID.}',
      '  widgetId: {wire: widget_id, type: string, write: create, description: The widget it belongs to.}',
      'operations:',
      '  get: {kind: get, description: Shows a part.}',
      '',
    ].join('\n');
    const withMembers = (lines: string[]): string =>
      WIDGET_YAML.replace('fields:\n', [...lines, 'fields:', ''].join('\n'));

    it('a members declaration naming fields, operations or arguments the resource does not have', async () => {
      const widget = withMembers([
        'members:',
        '  - resource: Part',
        '    field: widget_id',
        '    list: {field: parts, arg: listParts}',
        '    add: size',
        '    delete: {arg: cascade}',
        '    made_by:',
        '      shrink:',
        '        - set: {size: $newSize}',
        '      extend:',
        '        - when: $size',
        '          member: {widget_id: self.id}',
      ]);
      expect(await errorsFor(widget, { 'part.yaml': PART })).toEqual([
        expect.stringMatching(/widget\.yaml:\d+:\d+: members\.0\.list: no field with the wire name "parts"$/),
        expect.stringMatching(/members\.0\.list\.arg: no get or list operation has an argument "listParts"$/),
        expect.stringMatching(/members\.0\.add: field "size" is not written on update \(write: \[update\]\)$/),
        expect.stringMatching(/members\.0\.delete: the resource has no operation named "delete"$/),
        expect.stringMatching(/members\.0\.made_by\.shrink: no operation named "shrink"$/),
        expect.stringMatching(/members\.0\.made_by\.extend\.0\.when: operation "extend" has no argument "size"$/),
        expect.stringMatching(
          /members\.0\.made_by\.extend\.0\.member: member fields need each \(the records the members are made from\)$/,
        ),
      ]);
    });

    it('a members declaration naming another resource or its fields wrongly, once every resource is known', async () => {
      const widget = withMembers([
        'members:',
        '  - resource: Part',
        '    field: widget_uuid',
        '    made_by:',
        '      create:',
        '        - set: {colour: self.size@Gadget.colour}',
        '          each: {resource: Part, where: {widget_id: self.id}}',
        '          member: {widget_id: each.size, name: self.name}',
        '  - resource: Gizmo',
        '    field: widget_id',
      ]);
      const errors = await errorsFor(widget, { 'part.yaml': PART });
      expect(errors).toEqual([
        expect.stringMatching(/widget\.yaml:\d+:\d+: members\.0\.field: Part has no field "widget_uuid"$/),
        expect.stringMatching(/members\.0\.made_by\.create\.0\.set\.colour: no resource named "Gadget"$/),
        expect.stringMatching(/members\.0\.made_by\.create\.0\.set\.colour: Widget has no field "colour"$/),
        expect.stringMatching(/members\.0\.made_by\.create\.0\.member\.widget_id: Part has no field "size"$/),
        expect.stringMatching(/members\.0\.made_by\.create\.0\.member\.name: Part has no field "name"$/),
        expect.stringMatching(/members\.1\.resource: no resource named "Gizmo"$/),
      ]);
    });

    it('a path that is not $arg, self or each with .field and @Resource steps is a schema error', async () => {
      const widget = withMembers([
        'members:',
        '  - resource: Part',
        '    field: widget_id',
        '    made_by:',
        '      extend:',
        '        - set: {name: "widget.name"}',
      ]);
      expect(await errorsFor(widget, { 'part.yaml': PART })).toEqual([
        expect.stringMatching(
          /widget\.yaml:\d+:\d+: members\.0\.made_by\.extend\.0\.set\.name: does not match \^\(\\\$/,
        ),
      ]);
    });

    it('stored_as names a resource and the stored fields it maps to', async () => {
      const part = PART.replace(
        'fields:\n',
        'stored_as: {resource: Widget, fields: {widget_id: owner_id, id: id}}\nfields:\n',
      );
      expect(await errorsFor(WIDGET_YAML, { 'part.yaml': part })).toEqual([
        expect.stringMatching(/part\.yaml:\d+:\d+: stored_as\.fields\.widget_id: Widget has no field "owner_id"$/),
      ]);
      const nowhere = PART.replace('fields:\n', 'stored_as: {resource: Gadget}\nfields:\n');
      expect(await errorsFor(WIDGET_YAML, { 'part.yaml': nowhere })).toEqual([
        expect.stringMatching(/part\.yaml:\d+:\d+: stored_as\.resource: no resource named "Gadget"$/),
      ]);
    });
  });

  it('checks, copy, creates and answers naming what does not exist are errors at their place', async () => {
    const widget = WIDGET_YAML.replace(
      'fields:\n',
      [
        'checks:',
        '  extend:',
        '    - when: {le: [$size, .colour]}',
        '      message: "too small: {$other.size}"',
        '    - lookup: {newSize: {resource: Widget, id: $newSize}}',
        '      when: {exists: {resource: Gadget, where: {size: .size}}}',
        '      message: refused',
        '  shrink:',
        '    - {when: {given: $newSize}, message: never}',
        'copy:',
        '  create:',
        '    - {from: {resource: Widget, id: $name}, fields: {size: weight}}',
        'creates:',
        '  extend:',
        '    - {resource: Widget, fields: {size: $newSize}, bind: target}',
        'answers:',
        '  extend: {body: {size: $newSize, name: .name}}',
        'fields:',
        '',
      ].join('\n'),
    );
    const errors = await errorsFor(widget);
    expect(errors).toEqual([
      expect.stringMatching(/checks\.extend\.0\.when\.le\.0: "\$size": operation "extend" has no argument "size"$/),
      expect.stringMatching(/checks\.extend\.0\.when\.le\.1: "\.colour": Widget has no field "colour"$/),
      expect.stringMatching(
        /checks\.extend\.0\.message: "\$other\.size": no lookup named "other" \(declare it under lookup\)$/,
      ),
      expect.stringMatching(
        /checks\.extend\.1\.lookup\.newSize: lookup "newSize" has the name of an argument of "extend"$/,
      ),
      expect.stringMatching(/checks\.extend\.1\.when\.exists\.resource: unknown resource "Gadget"$/),
      expect.stringMatching(/checks\.shrink: no operation named "shrink"$/),
      expect.stringMatching(/copy\.create\.0\.fields\.size: Widget has no field "weight"$/),
      expect.stringMatching(/creates\.extend\.0\.bind: operation "extend" has no argument "target"$/),
    ]);
  });

  it('a map key read from an argument, or a reference of more than three parts, is an error at its place', async () => {
    const widget = WIDGET_YAML.replace(
      'fields:\n',
      [
        'checks:',
        '  extend:',
        '    - lookup: {other: {resource: Widget, id: .id}}',
        '      when: {eq: [$other.size.key.more, $newSize.key]}',
        '      message: refused',
        'fields:',
        '',
      ].join('\n'),
    );
    expect(await errorsFor(widget)).toEqual([
      expect.stringMatching(
        /checks\.extend\.0\.when\.eq\.0: "\$other\.size\.key\.more" is not a value \(\$arg, \$lookup\.field, \$lookup\.mapField\.key or \.field\)$/,
      ),
      expect.stringMatching(
        /checks\.extend\.0\.when\.eq\.1: "\$newSize\.key": no lookup named "newSize" \(declare it under lookup\)$/,
      ),
    ]);
  });

  it('a failure, deleted or transition status missing from status.values is an error at its place', async () => {
    const widget = WIDGET_YAML.replace(
      'fields:\n',
      [
        'status:',
        '  field: status',
        '  values: [creating, available, error]',
        '  failures: [error, error_extending]',
        '  deleted: [deleted]',
        '  transitions:',
        '    create: {via: creating, to: availble}',
        'fields:',
        '  status: {type: string, description: The status.}',
        '',
      ].join('\n'),
    );
    const errors = await errorsFor(widget);
    expect(errors).toEqual([
      expect.stringMatching(
        /status\.failures\.1: status "error_extending" is not in status\.values \(creating, available, error\)$/,
      ),
      expect.stringMatching(/status\.deleted\.0: status "deleted" is not in status\.values/),
      expect.stringMatching(/status\.transitions\.create\.to: status "availble" is not in status\.values/),
    ]);
  });

  it('a policy needs a rule name and one of admin, member or reader, at the line that declares it', async () => {
    const withPolicy = (get: string, create: string): string =>
      WIDGET_YAML.replace('  get: {kind: get, description: Shows a widget.}', get).replace(
        '  create: {kind: create, description: Creates a widget.}',
        create,
      );
    const schema = await errorsFor(
      withPolicy(
        '  get: {kind: get, description: Shows a widget., policy: {rule: "widget:get", allows: owner}}',
        '  create: {kind: create, description: Creates a widget., policy: {rule: "just a name", allows: admin}}',
      ),
    );
    expect(schema).toEqual([
      expect.stringMatching(/^spec\/block-storage\/v2\/widget\.yaml:13:\d+: operations\.get\.policy\.allows: /),
      expect.stringMatching(/^spec\/block-storage\/v2\/widget\.yaml:14:\d+: operations\.create\.policy\.rule: /),
    ]);
    // One Cinder rule has one default: naming it twice with different callers is a typo somewhere.
    const clash = await errorsFor(
      withPolicy(
        '  get: {kind: get, description: Shows a widget., policy: {rule: "widget:get", allows: reader}}',
        '  create: {kind: create, description: Creates a widget., policy: {rule: "widget:get", allows: admin}}',
      ),
    );
    expect(clash).toEqual([
      expect.stringMatching(
        /widget\.yaml:14:\d+: operations\.create\.policy\.allows: policy rule "widget:get" allows admin here but reader on Widget\.get \(spec\/block-storage\/v2\/widget\.yaml:13\)/,
      ),
    ]);
  });

  it("Cinder's wording: a 404 message names the {id}, and a refusal message needs the statuses it refuses", async () => {
    const widget = WIDGET_YAML.replace('fields:\n', 'not_found: "No such widget."\nfields:\n').replace(
      'fields:\n',
      [
        'status:',
        '  field: status',
        '  failures: [error]',
        '  transitions:',
        '    extend: {via: extending, to: available, message: "Widget {id} is busy."}',
        'fields:',
        '  status: {type: string, description: The status.}',
        '',
      ].join('\n'),
    );
    const errors = await errorsFor(widget);
    expect(errors).toEqual([expect.stringMatching(/widget\.yaml:\d+:\d+: not_found: does not match/)]);
    const refusal = await errorsFor(widget.replace('not_found: "No such widget."', 'not_found: "No widget {id}."'));
    expect(refusal).toEqual([
      expect.stringMatching(
        /widget\.yaml:\d+:\d+: status\.transitions\.extend\.message: a message words the refusal of `from`/,
      ),
    ]);
  });

  it('a transition cannot both complete to a status and remove the resource', async () => {
    const widget = WIDGET_YAML.replace(
      'fields:\n',
      'status:\n  field: status\n  failures: [error]\n  transitions:\n    create: {via: creating, to: available, gone: true}\nfields:\n  status: {type: string, description: The status.}\n',
    );
    const errors = await errorsFor(widget);
    expect(errors).toEqual([
      expect.stringMatching(/^spec\/block-storage\/v2\/widget\.yaml:\d+:\d+: status\.transitions\.create/),
    ]);
  });

  it('a declared delay needs a step that completes later (to or gone), and is a whole number of ms', async () => {
    const widget = WIDGET_YAML.replace(
      'fields:\n',
      [
        'status:',
        '  field: status',
        '  failures: [error]',
        '  transitions:',
        '    create: {via: creating, to: available, delay: 1.5}',
        '    extend: {via: extending, delay: 2000}',
        'fields:',
        '  status: {type: string, description: The status.}',
        '',
      ].join('\n'),
    );
    expect(await errorsFor(widget)).toEqual([
      expect.stringMatching(/widget\.yaml:12:51: status\.transitions\.create\.delay: must be integer$/),
    ]);
    expect(await errorsFor(widget.replace('delay: 1.5', 'delay: 1500'))).toEqual([
      expect.stringMatching(
        /widget\.yaml:\d+:\d+: status\.transitions\.extend\.delay: a delay needs to or gone \(a step without them applies at once\)$/,
      ),
    ]);
  });

  it('fake-cloud declarations name what exists: map on a map field, access, seed and echo', async () => {
    const widget = (fieldLines: string, top = '', update = ''): string =>
      WIDGET_YAML.replace('  size: {type: integer, write: create, description: The size.}\n', `$&${fieldLines}`)
        .replace('fields:\n', `${top}fields:\n`)
        .replace('  get: {kind: get, description: Shows a widget.}\n', `$&${update}`);
    const ok = widget(
      '  public: {type: boolean, write: create, description: Public.}\n' +
        '  tags: {type: map<string>, write: create, map: {missing: "Widget {id} has no tag {key}."}, description: Tags.}\n',
      'seed:\n  - {name: first}\naccess: {public: public}\n',
      '  update: {kind: update, echo: true, description: Updates a widget.}\n',
    );
    project = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': ok });
    const built = (await buildModel({ root: project.root })).services[0].resources[0];
    expect(built.fields.find((f) => f.name === 'tags')?.map).toMatchObject({
      missing: 'Widget {id} has no tag {key}.',
    });
    expect(built.access).toMatchObject({ public: 'public' });
    expect(built.seed).toEqual([{ name: 'first' }]);

    const errors = await errorsFor(
      widget(
        '  public: {type: string, write: create, description: Public.}\n' +
          '  tags: {type: string, write: create, map: {missing: "No {tag} on {id}.", unset: [extend, nope]}, description: Tags.}\n',
        'seed:\n  - {colour: red}\naccess: {public: public, add: nope, filter: isPublic}\n',
        '  delete: {kind: delete, echo: true, description: Deletes a widget.}\n',
      ),
    );
    // Sorted by position: the seed and access lines, the field, the operation.
    expect(errors).toEqual([
      `${FILE}:9:14: seed.0.colour: no field named "colour"`,
      `${FILE}:10:18: access.public: "public" is not a boolean field`,
      `${FILE}:10:31: access.add: no operation named "nope"`,
      `${FILE}:10:45: access.filter: the list operation has no argument "isPublic"`,
      `${FILE}:16:44: fields.tags.map: only a map field keeps key/value rows (this one is scalar)`,
      `${FILE}:16:54: fields.tags.map.missing: {tag} is not a placeholder of the message (use {id} and {key})`,
      `${FILE}:16:83: fields.tags.map.unset.0: operation "extend" needs one string or list<string> argument (the keys to remove)`,
      `${FILE}:16:91: fields.tags.map.unset.1: no operation named "nope"`,
      `${FILE}:19:32: operations.delete.echo: only an update answers its request body (this is a delete)`,
    ]);
    const admin = await errorsFor(
      widget(
        '  tags: {type: map<string>, write: create, map: {admin: [{operation: extend, key: k, arg: flag}]}, description: Tags.}\n',
      ),
    );
    expect(admin).toEqual([
      expect.stringMatching(/fields\.tags\.map\.admin\.0\.arg: operation "extend" has no argument "flag"$/),
    ]);
  });

  it('a missing service.yaml', async () => {
    project = await tempProject({ 'widget.yaml': WIDGET_YAML });
    await expect(buildModel({ root: project.root })).rejects.toThrow(
      'spec/block-storage/v2/service.yaml:1:1: missing service.yaml for this folder',
    );
  });

  it('a typo in one file is reported once, not again by every file that references its resource', async () => {
    const gadget = WIDGET_YAML.replace('resource: Widget', 'resource: Gadget')
      .replace('base_path: /widgets', 'base_path: /gadgets')
      .replace('newSize: {type: integer, required: true,', 'newSize: {ref: Widget, required: true,')
      .replace(/getWidget|extendWidget/g, (m) => m.replace('Widget', 'Gadget'));
    const typo = WIDGET_YAML.replace('  size: {type: integer,', '  size: {tpye: integer,');
    const errors = await errorsFor(typo, { 'gadget.yaml': gadget });
    expect(errors).toEqual([`${FILE}:11:16: fields.size.tpye: unknown key "tpye" (did you mean "type"?)`]);
    // A bad indent (a YAML error) is the same: the referencing file says nothing.
    const indent = WIDGET_YAML.replace('  size: {type: integer,', '   size: {type: integer,');
    const yamlErrors = await errorsFor(indent, { 'gadget.yaml': gadget });
    expect(yamlErrors.every((e) => e.startsWith(`${FILE}:`))).toBe(true);
    expect(yamlErrors.join('\n')).not.toContain('unknown resource');
  });

  it('a __proto__ field is reported at its line', async () => {
    const errors = await errorsFor(
      WIDGET_YAML.replace(
        '  size: {type: integer,',
        '  __proto__: {type: string, description: Hostile.}\n  size: {type: integer,',
      ),
    );
    expect(errors).toEqual([
      `${FILE}:11:14: fields.__proto__: "__proto__" cannot be a name in the spec (it is special to JavaScript objects)`,
    ]);
  });

  it('an unbalanced { in a path template is refused', async () => {
    const errors = await errorsFor(
      WIDGET_YAML.replace(
        '  get: {kind: get, description: Shows a widget.}',
        '  get: {kind: get, path: "/widgets/{widget_id", description: Shows a widget.}',
      ),
    );
    expect(errors).toEqual([
      `${FILE}:13:26: operations.get.path: unbalanced braces in path "/widgets/{widget_id": each {name} must be closed, and names are letters, digits and _`,
    ]);
  });

  it('a 50 MB spec file is a positioned error at once, before it is read', async () => {
    project = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': WIDGET_YAML });
    // A sparse file: 50 MB on stat, nothing written; the loader must refuse it by its size.
    const huge = path.join(project.root, 'spec/block-storage/v2/huge.yaml');
    await writeFile(huge, '');
    await truncate(huge, 50 * 1024 * 1024);
    const error = (await buildModel({ root: project.root }).catch((e: unknown) => e)) as SpecError;
    expect(error).toBeInstanceOf(SpecError);
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([
      'spec/block-storage/v2/huge.yaml:1:1: the file is 52,428,800 bytes; a spec file may have at most 1,048,576 (split the resource, or shorten what is long)',
    ]);
  });
});
