/**
 * Every rule of the spec diff's catalogue, each on its own pair of small specs under
 * fixtures/diff/<rule>/{base,head}/: files at the top of a side are the resource files of
 * spec/block-storage/v3/ (with fixtures/diff/service.yaml unless the side has its own), and a
 * sub-folder such as v4/ is another version. The pair must produce exactly that rule (and the few
 * consequences listed below), classified as the catalogue says.
 */
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toChangelog } from '../../generator/diff/changelog.js';
import { diffModels, sortChanges, type Change } from '../../generator/diff/compare.js';
import { toJson, toMarkdown } from '../../generator/diff/report.js';
import { RULES, RULES_BY_ID, rulesMarkdown } from '../../generator/diff/rules.js';
import { buildModel } from '../../generator/model/build.js';
import type { SpecModel } from '../../generator/model/types.js';
import { REPO } from './fixture.js';

const FIXTURES = path.join(REPO, 'test/generator/fixtures/diff');

/** Changes a fixture also produces, besides its own rule, because one follows from the other. */
const ALSO: Record<string, readonly string[]> = {
  // The target parameter is named after the resource (widget → gizmo) and the methods return the class.
  'resource-renamed': ['method-signature-changed'],
};

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'spec-diff-rules-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Lays out one side of a fixture as a project and builds its model. */
async function buildSide(rule: string, side: 'base' | 'head'): Promise<SpecModel> {
  const root = path.join(scratch, rule, side);
  const specDir = path.join(root, 'spec/block-storage');
  await mkdir(specDir, { recursive: true });
  for (const schema of ['resource.schema.json', 'service.schema.json'])
    await copyFile(path.join(REPO, 'spec', schema), path.join(root, 'spec', schema));
  const from = path.join(FIXTURES, rule, side);
  await mkdir(path.join(specDir, 'v3'), { recursive: true });
  for (const entry of await readdir(from)) {
    const src = path.join(from, entry);
    if ((await stat(src)).isDirectory()) await cp(src, path.join(specDir, entry), { recursive: true });
    else await copyFile(src, path.join(specDir, 'v3', entry));
  }
  if (!existsSync(path.join(specDir, 'v3/service.yaml')))
    await copyFile(path.join(FIXTURES, 'service.yaml'), path.join(specDir, 'v3/service.yaml'));
  return buildModel({ root });
}

async function diffFixture(rule: string): Promise<Change[]> {
  const [base, head] = await Promise.all([buildSide(rule, 'base'), buildSide(rule, 'head')]);
  return diffModels(base, head);
}

describe('spec diff rules', () => {
  it('every fixture folder is a rule of the catalogue', async () => {
    const dirs = (await readdir(FIXTURES, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(dirs.sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  for (const rule of RULES) {
    it(`${rule.id}: ${rule.meaning}`, async () => {
      const changes = await diffFixture(rule.id);
      const own = changes.filter((c) => c.rule === rule.id);
      expect(own.length, `no ${rule.id} in:\n${toMarkdown({ base: 'base', head: 'head', changes })}`).toBeGreaterThan(
        0,
      );
      for (const c of own) expect([c.sdk, c.wire]).toEqual([rule.sdk, rule.wire]);
      const rules = [...new Set(changes.map((c) => c.rule))].sort();
      expect(rules, toMarkdown({ base: 'base', head: 'head', changes })).toEqual(
        [rule.id, ...(ALSO[rule.id] ?? [])].sort(),
      );
    });
  }

  it('each classification matches the catalogue, and breaking changes come first', async () => {
    const changes = await diffFixture('resource-renamed');
    for (const c of changes) {
      const r = RULES_BY_ID.get(c.rule)!;
      expect([c.sdk, c.wire]).toEqual([r.sdk, r.wire]);
    }
    const md = toMarkdown({ base: 'base', head: 'head', changes });
    expect(md.indexOf('resource-renamed')).toBeLessThan(md.indexOf('method-signature-changed'));
  });

  it('a TypeScript rename keeps the wire; a wire rename breaks both', async () => {
    const [ts] = await diffFixture('field-renamed');
    expect(ts).toMatchObject({ sdk: 'breaking', wire: 'non-breaking', subject: 'Widget.dimension' });
    expect(ts.message).toBe('field `size` renamed to `dimension` (wire `size` unchanged)');
    const [wire] = await diffFixture('field-wire-renamed');
    expect(wire).toMatchObject({ sdk: 'breaking', wire: 'breaking', message: 'wire name of `size`: `size` → `sz`' });
  });

  it('the same pair gives the same report, and no change gives an empty one', async () => {
    const a = await diffFixture('route-added');
    const b = await diffFixture('route-added');
    expect(toJson({ base: 'x', head: 'y', changes: a })).toBe(toJson({ base: 'x', head: 'y', changes: b }));
    const model = await buildSide('description-changed', 'base');
    expect(diffModels(model, model)).toEqual([]);
    expect(toMarkdown({ base: 'x', head: 'y', changes: [] })).toContain('No change to the API');
  });

  it('the README carries the catalogue as rendered from the rules', async () => {
    // Compared cell by cell: prettier pads the README's table columns, the rendering does not.
    const cells = (markdown: string) => markdown.replace(/ *\| */g, '|').replace(/\|-{3,}(?=\|)/g, '|---');
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    expect(cells(readme)).toContain(cells(rulesMarkdown()));
  });
});

describe('what a reviewer reads in a spec diff row', () => {
  it('an argument gaining a default is wire-breaking: the key is now sent on every call', async () => {
    const changes = await diffFixture('arg-default-added');
    expect(changes.map((c) => [c.rule, c.sdk, c.wire, c.message])).toEqual([
      [
        'arg-default-added',
        'non-breaking',
        'breaking',
        '`Widget.extend` argument `force` now defaults to false: `os-extend.force` is sent on every call, also by callers that leave it out',
      ],
    ]);
  });

  it('a row about an argument points at the argument, not at its operation', async () => {
    const [change] = await diffFixture('arg-default-changed');
    expect(change.source).toBe('spec/block-storage/v3/widget.yaml:19');
  });

  it('a method added already deprecated is listed as added and as deprecated, naming its replacement', async () => {
    const base = await buildSide('method-added', 'base');
    const root = path.join(scratch, 'method-added-deprecated');
    await cp(path.join(scratch, 'method-added', 'head'), root, { recursive: true });
    const file = path.join(root, 'spec/block-storage/v3/widget.yaml');
    const yaml = (await readFile(file, 'utf8')).replace(
      '  fetchWidget:\n    call: get\n',
      '  fetchWidget:\n    call: get\n    deprecated: Use getWidget.\n',
    );
    expect(yaml).toContain('deprecated: Use getWidget.');
    await writeFile(file, yaml);
    const changes = diffModels(base, await buildModel({ root }));
    expect(changes.map((c) => [c.rule, c.sdk, c.wire, c.message])).toEqual([
      ['method-added', 'non-breaking', 'non-breaking', 'method `fetchWidget` added, at every microversion'],
      ['method-deprecated', 'non-breaking', 'non-breaking', '`fetchWidget` added deprecated: Use getWidget.'],
    ]);
  });

  it('an added action shows the microversions it needs', async () => {
    const [change] = await diffFixture('action-added');
    expect(change.message).toBe('action `Widget.forceDelete` (`os-force_delete`) added, from microversion 3.68');
  });

  it('a type-encoding-changed row names the field', async () => {
    const [change] = await diffFixture('type-encoding-changed');
    expect(change.message).toBe(
      'type of field `enabled` (wire `bootable`): boolstr → boolean (TypeScript boolean either way; JSON string("true"|"false") → boolean)',
    );
  });

  it('each rule used in a report has a footnote saying why it is breaking or not', async () => {
    const md = toMarkdown({ base: 'base', head: 'head', changes: await diffFixture('arg-default-added') });
    expect(md).toContain('| `arg-default-added`[^arg-default-added] |');
    expect(md).toContain(
      '[^arg-default-added]: SDK non-breaking, wire **breaking**: Calls that leave it out now send the key with its default, where they sent nothing; clouds that validate bodies strictly (Cinder does) reject a key they do not know, as for a new argument with a default.',
    );
  });
});

describe('statuses and lifecycles in a spec diff', () => {
  it('each status and lifecycle rule says what changed, on which subject, at the line of the declaration', async () => {
    const rows: [string, string, string, string | undefined][] = [];
    for (const r of RULES.filter((x) => /^(status|transition)-/.test(x.id)))
      for (const c of await diffFixture(r.id)) rows.push([c.rule, c.subject, c.message, c.source]);
    const at = (line: number) => `spec/block-storage/v3/widget.yaml:${line}`;
    expect(rows).toEqual([
      ['status-value-added', 'Widget.status', 'status `shrinking` added to `WidgetStatus`', at(9)],
      ['status-value-removed', 'Widget.status', 'status `creating` removed from `WidgetStatus`', at(9)],
      [
        'status-values-declared',
        'Widget.status',
        'statuses of `Widget` declared as `WidgetStatus` (creating, available, extending, deleting, error, error_extending, deleted): waitForStatus takes only these',
        at(9),
      ],
      [
        'status-values-undeclared',
        'Widget.status',
        'statuses of `Widget` no longer declared: `WidgetStatus` is gone and waitForStatus takes any string',
        at(9),
      ],
      [
        'status-waiter-states-changed',
        'Widget.status',
        'failure states of `Widget` waiters: error → error, error_extending',
        at(9),
      ],
      ['status-field-changed', 'Widget.status', 'status field of `Widget`: `status` → `state`', at(9)],
      [
        'transition-added',
        'Widget.delete',
        'lifecycle of `Widget.delete` declared: from [available, error], via deleting, then gone',
        at(15),
      ],
      [
        'transition-removed',
        'Widget.delete',
        'lifecycle of `Widget.delete` no longer declared (was: from [available, error], via deleting, then gone)',
        at(15),
      ],
      ['transition-changed', 'Widget.extend', 'lifecycle of `Widget.extend`: to available → error_extending', at(14)],
      [
        'transition-precondition-narrowed',
        'Widget.extend',
        '`Widget.extend` allowed in [available, error] → [available]',
        at(14),
      ],
      [
        'transition-precondition-widened',
        'Widget.extend',
        '`Widget.extend` allowed in [available] → any status',
        at(14),
      ],
      [
        'transition-delay-changed',
        'Widget.extend',
        "`Widget.extend` takes none → 5000 ms on the fake cloud's clock",
        at(14),
      ],
    ]);
  });

  it('a renamed operation keeps its lifecycle step: one rename, no step removed and added', async () => {
    const base = await buildSide('transition-precondition-narrowed', 'head');
    // The same spec with the operation `extend` (and its step) renamed `grow`. The model's types are
    // read-only; this copy is the test's own.
    const renamed = structuredClone(base);
    const widget = renamed.services[0].resources.find((r) => r.name === 'Widget')!;
    const ops = widget.operations as unknown as { name: string }[];
    ops.find((o) => o.name === 'extend')!.name = 'grow';
    const steps = widget.status!.transitions as unknown as { operation: string }[];
    steps.find((t) => t.operation === 'extend')!.operation = 'grow';
    const rules = diffModels(base, renamed).map((c) => c.rule);
    expect(rules).toContain('operation-renamed');
    expect(rules.filter((r) => r.startsWith('transition-'))).toEqual([]);
  });

  it('a lifecycle change gets its footnote in the report and its section in the changelog', async () => {
    const changes = [
      ...(await diffFixture('transition-precondition-narrowed')),
      ...(await diffFixture('transition-added')),
      ...(await diffFixture('status-value-removed')),
    ];
    const md = toMarkdown({ base: 'base', head: 'head', changes });
    expect(md).toContain(
      "[^transition-precondition-narrowed]: SDK non-breaking, wire **breaking**: Calls made in a status that was allowed are now refused with Cinder's 400 (the fake cloud refuses them too).",
    );
    expect(toChangelog({ base: 'base', head: 'head', changes: sortChanges(changes) })).toBe(
      [
        '<!-- Drafted by npm run changelog from the spec diff base → head; rules: README, "Spec diff rules". -->',
        '',
        '### block-storage/v3',
        '',
        '#### Breaking changes',
        '',
        '- `Widget.extend`: `Widget.extend` allowed in [available, error] → [available] (breaks the wire, not SDK code; `transition-precondition-narrowed`)',
        '- `Widget.status`: status `creating` removed from `WidgetStatus` (breaks SDK users, not the wire; `status-value-removed`)',
        '',
        '#### Added',
        '',
        '- `Widget.delete`: lifecycle of `Widget.delete` declared: from [available, error], via deleting, then gone (`transition-added`)',
        '',
      ].join('\n'),
    );
  });
});

describe('tolerated values, fallbacks and create keys in a spec diff', () => {
  const KEY_RULES = [
    'field-tolerated-value-added',
    'field-tolerated-value-removed',
    'field-tolerated-message-changed',
    'field-create-wire-added',
    'field-create-wire-removed',
    'field-create-wire-changed',
    'operation-fallback-added',
    'operation-fallback-removed',
    'operation-fallback-changed',
  ];

  it('each row says what the same call now sends or retries, classified, at the line of the field or operation', async () => {
    const rows: [string, string, string, string, string, string | undefined][] = [];
    for (const id of KEY_RULES)
      for (const c of await diffFixture(id)) rows.push([c.rule, c.subject, c.sdk, c.wire, c.message, c.source]);
    const at = (line: number) => `spec/block-storage/v3/widget.yaml:${line}`;
    const N = 'non-breaking';
    const B = 'breaking';
    expect(rows).toEqual([
      [
        'field-tolerated-value-added',
        'Widget.force',
        N,
        N,
        '`force: true` is tolerated after microversion 3.65: sent at any microversion (the cloud accepts and ignores it) instead of capping the call at 3.65',
        at(13),
      ],
      [
        'field-tolerated-value-removed',
        'Widget.force',
        N,
        B,
        '`force: true` is no longer tolerated after microversion 3.65: a call sending it is capped at 3.65, and refused before sending when a later microversion is pinned',
        at(13),
      ],
      [
        'field-tolerated-message-changed',
        'Widget.force',
        N,
        N,
        `Cinder's 400 for other values of \`force\` after microversion 3.65: "Since microversion 3.66 the 'force' flag is invalid for this request." → "The 'force' flag is invalid for this request since microversion 3.66."`,
        at(13),
      ],
      [
        'field-create-wire-added',
        'Widget.isPublic',
        N,
        B,
        '`isPublic` is sent on create as `os-widget-access:is_public`, no longer as its wire name `is_public`',
        at(13),
      ],
      [
        'field-create-wire-removed',
        'Widget.isPublic',
        N,
        B,
        '`isPublic` is sent on create as its wire name `is_public`, no longer as `os-widget-access:is_public`',
        at(13),
      ],
      [
        'field-create-wire-changed',
        'Widget.isPublic',
        N,
        B,
        '`isPublic` is sent on create as `widget_is_public`, was `os-widget-access:is_public`',
        at(13),
      ],
      [
        'operation-fallback-added',
        'Widget.failover',
        N,
        N,
        '`Widget.failover`, when answered 400 with a message containing "Host field is missing", is sent once more at PUT /widgets/failover',
        at(14),
      ],
      [
        'operation-fallback-removed',
        'Widget.failover',
        N,
        B,
        '`Widget.failover` no longer retries at PUT /widgets/failover when answered 400 "Host field is missing": that answer is the caller\'s error',
        at(14),
      ],
      [
        'operation-fallback-changed',
        'Widget.failover',
        N,
        B,
        'fallback of `Widget.failover`: at PUT /widgets/failover → PUT /widgets/failover_cluster',
        at(14),
      ],
    ]);
  });

  it('the changelog lists a lost tolerated value, a new create key and a lost fallback as breaking, a new fallback as added', async () => {
    const changes = [
      ...(await diffFixture('field-tolerated-value-removed')),
      ...(await diffFixture('field-create-wire-added')),
      ...(await diffFixture('operation-fallback-removed')),
      ...(await diffFixture('operation-fallback-added')),
      ...(await diffFixture('field-tolerated-message-changed')),
    ];
    expect(toChangelog({ base: 'base', head: 'head', changes: sortChanges(changes) })).toBe(
      [
        '<!-- Drafted by npm run changelog from the spec diff base → head; rules: README, "Spec diff rules". -->',
        '',
        '### block-storage/v3',
        '',
        '#### Breaking changes',
        '',
        '- `Widget.force`: `force: true` is no longer tolerated after microversion 3.65: a call sending it is capped at 3.65, and refused before sending when a later microversion is pinned (breaks the wire, not SDK code; `field-tolerated-value-removed`)',
        '- `Widget.isPublic`: `isPublic` is sent on create as `os-widget-access:is_public`, no longer as its wire name `is_public` (breaks the wire, not SDK code; `field-create-wire-added`)',
        '- `Widget.failover`: `Widget.failover` no longer retries at PUT /widgets/failover when answered 400 "Host field is missing": that answer is the caller\'s error (breaks the wire, not SDK code; `operation-fallback-removed`)',
        '',
        '#### Added',
        '',
        '- `Widget.failover`: `Widget.failover`, when answered 400 with a message containing "Host field is missing", is sent once more at PUT /widgets/failover (`operation-fallback-added`)',
        '',
        '#### Other changes',
        '',
        `- \`Widget.force\`: Cinder's 400 for other values of \`force\` after microversion 3.65: "Since microversion 3.66 the 'force' flag is invalid for this request." → "The 'force' flag is invalid for this request since microversion 3.66." (\`field-tolerated-message-changed\`)`,
        '',
      ].join('\n'),
    );
    const md = toMarkdown({ base: 'base', head: 'head', changes });
    expect(md).toContain(
      '[^field-tolerated-value-removed]: SDK non-breaking, wire **breaking**: A call sending the value is capped at max_version again, and refused before sending when a later microversion is pinned: the SDK refuses a call it sent before.',
    );
  });

  it('an added field or operation, or a field newly sent on create, says its create key, tolerated values and fallback', async () => {
    // Each head spec against a copy without the element (or, for the create key, not sent on
    // create). The model's types are read-only; these copies are the test's own.
    type Mutable = { fields: { name: string; create: boolean }[]; operations: { name: string }[] };
    const widgetOf = (model: SpecModel): Mutable =>
      model.services[0].resources.find((r) => r.name === 'Widget') as unknown as Mutable;
    const without = (model: SpecModel, change: (w: Mutable) => void): SpecModel => {
      const copy = structuredClone(model);
      change(widgetOf(copy));
      return copy;
    };
    const rows = (base: SpecModel, head: SpecModel) => diffModels(base, head).map((c) => [c.rule, c.message]);
    const tolerated = await buildSide('field-tolerated-value-added', 'head');
    const fallback = await buildSide('operation-fallback-added', 'head');
    const createKey = await buildSide('field-create-wire-added', 'head');
    const dropField = (name: string) => (w: Mutable) => {
      w.fields = w.fields.filter((f) => f.name !== name);
    };
    expect(rows(without(tolerated, dropField('force')), tolerated)).toEqual([
      [
        'field-added',
        'field `force` (wire `force`, boolean) added, up to microversion 3.65 (`force: true` tolerated after it)',
      ],
    ]);
    expect(
      rows(
        without(fallback, (w) => {
          w.operations = w.operations.filter((o) => o.name !== 'failover');
        }),
        fallback,
      ),
    ).toEqual([
      [
        'operation-added',
        'operation `Widget.failover` (PUT /widgets/failover_host) added, at every microversion; when answered 400 with a message containing "Host field is missing", sent once more at PUT /widgets/failover',
      ],
    ]);
    expect(rows(without(createKey, dropField('isPublic')), createKey)).toEqual([
      [
        'field-added',
        'field `isPublic` (wire `is_public`, sent on create as `os-widget-access:is_public`, boolean) added, at every microversion',
      ],
    ]);
    expect(
      rows(
        without(createKey, (w) => {
          w.fields.find((f) => f.name === 'isPublic')!.create = false;
        }),
        createKey,
      ),
    ).toEqual([
      ['field-became-writable', '`isPublic` can now be sent on create (on create as `os-widget-access:is_public`)'],
    ]);
  });

  it("a find method's own query default (find.defaults) is reported by the arg-default rules, with the key it sends", async () => {
    // The widget of a fixture with a list taking ?is_public and a find method offering it, with
    // the find default `none`, the default `true`, or none at all.
    await buildSide('field-deprecated', 'base');
    const variant = async (name: string, find: string): Promise<SpecModel> => {
      const root = path.join(scratch, `find-defaults-${name}`);
      await cp(path.join(scratch, 'field-deprecated', 'base'), root, { recursive: true });
      const file = path.join(root, 'spec/block-storage/v3/widget.yaml');
      const yaml = (await readFile(file, 'utf8'))
        .replace(
          'operations:\n',
          'operations:\n  list:\n    kind: list\n    description: Lists widgets.\n    args:\n      isPublic: { type: string, in: query, wire: is_public, description: Which widgets. }\n',
        )
        .replace(
          'proxy:\n',
          `proxy:\n  findWidget:\n    find: ${find}\n    examples:\n      - { args: [w-1], exchanges: [] }\n`,
        );
      expect(yaml).toContain(`find: ${find}`);
      await writeFile(file, yaml);
      return buildModel({ root });
    };
    const plain = await variant('none', '{query: [isPublic]}');
    const none = await variant('is-none', '{query: [isPublic], defaults: {isPublic: none}}');
    const all = await variant('is-true', "{query: [isPublic], defaults: {isPublic: 'true'}}");
    const rows = (b: SpecModel, h: SpecModel) =>
      diffModels(b, h).map((c) => [c.rule, c.subject, c.sdk, c.wire, c.message]);
    expect([...rows(plain, none), ...rows(none, all), ...rows(all, plain)]).toEqual([
      [
        'arg-default-added',
        'BlockStorageV3.findWidget',
        'non-breaking',
        'breaking',
        '`findWidget` option `isPublic` now defaults to "none": `is_public=none` is sent on every call, also by callers that leave it out',
      ],
      [
        'arg-default-changed',
        'BlockStorageV3.findWidget',
        'breaking',
        'non-breaking',
        '`findWidget` option `isPublic` default "none" → "true"',
      ],
      [
        'arg-default-removed',
        'BlockStorageV3.findWidget',
        'breaking',
        'non-breaking',
        '`findWidget` option `isPublic` no longer defaults to "true": `is_public` is sent only when given',
      ],
    ]);
  });
});
