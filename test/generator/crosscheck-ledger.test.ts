/**
 * The cross-check ledger (spec/crosscheck-ledger/*.yaml): differences with Cinder's OpenAPI document
 * that Cinder's source settles. A throw-away widget project and the small document written for the
 * cross-check tests (fixtures/crosscheck/mini-cinder.yaml) pin what `npm run spec:crosscheck` prints
 * and how it exits: explained differences on one line, unexplained ones in full, stale entries as
 * errors, a malformed ledger as a positioned LedgerError.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildModel } from '../../generator/model/build.js';
import { crosscheck } from '../../generator/openapi/crosscheck.js';
import { findCinderOpenapi, runCrosscheck } from '../../generator/openapi/crosscheck-run.js';
import { applyLedger, LedgerError, loadLedger } from '../../generator/openapi/ledger.js';
import { REPO, SERVICE_YAML, WIDGET_YAML, tempProject, type TempProject } from './fixture.js';

const MINI = path.join(REPO, 'test/generator/fixtures/crosscheck/mini-cinder.yaml');
const SETTLED = '  settled-by: {release: "21.3.1 (Zed, 2022.2)", file: cinder/api/v3/widgets.py, line: 12}\n';

/** One ledger entry as YAML. */
const entry = (kind: string, subject: string, extra = ''): string =>
  `- service: block-storage/v2\n  kind: ${kind}\n  subject: '${subject}'\n${extra}  verdict: not served by Cinder\n${SETTLED}`;

/** Entries for the six differences the widget spec (v2) has with the mini document. */
const OPERATIONS = entry('operation', 'DELETE /widgets/{}') + entry('operation', 'GET /widgets');
const REST =
  entry('action', 'POST /widgets/{}/action os-reserve') +
  entry('body-field', 'POST /widgets/{}/action os-extend force') +
  entry('response-field', 'Widget weight') +
  entry('impossible-range', 'os-extend variant 1: min-ver 3.42 > max-ver 3.10');

let project: TempProject;
const ledgerDir = (): string => path.join(project.root, 'spec/crosscheck-ledger');
async function writeLedger(files: Record<string, string>): Promise<void> {
  await rm(ledgerDir(), { recursive: true, force: true });
  await mkdir(ledgerDir(), { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(ledgerDir(), name), text);
}
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCrosscheck([MINI, '--root', project.root, ...args], {
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, out, err };
}

beforeAll(async () => {
  project = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': WIDGET_YAML });
});
afterAll(async () => {
  await project.remove();
});
beforeEach(async () => {
  await project.write('spec/block-storage/v2/widget.yaml', WIDGET_YAML);
});

describe('spec:crosscheck with the ledger', () => {
  it('explains every difference the ledger names, one line each, reading every file of the folder, and exits 0', async () => {
    await writeLedger({ 'a.yaml': OPERATIONS, 'b.yaml': `# the rest\n${REST}`, 'notes.txt': 'not a ledger file' });
    const { code, out, err } = await run();
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(
      'explained by the ledger: 6 (operation 2, response-field 1, body-field 1, action 1, impossible-range 1); unexplained: 0',
    );
    expect(out).toContain(
      '- operation `DELETE /widgets/{}` — not served by Cinder — cinder/api/v3/widgets.py:12 (Cinder 21.3.1 (Zed, 2022.2))',
    );
    expect(out).not.toContain('### unexplained differences');
    expect(out.trimEnd().split('\n').at(-1)).toBe('0 unexplained differences');
  });

  it('prints an unexplained difference in full and exits 1', async () => {
    await writeLedger({ 'a.yaml': OPERATIONS, 'b.yaml': REST.replace(/- service[^]*?line: 12\}\n/, '') });
    const { code, out } = await run('--summary');
    expect(code).toBe(1);
    expect(out).toContain(
      '### unexplained differences\n\n- action, missing from ours: `POST /widgets/{}/action os-reserve` — 3.0–3.0\n',
    );
    // Explained ones are only counted in a summary.
    expect(out).not.toContain('- operation `DELETE /widgets/{}`');
    expect(out.trimEnd().split('\n').at(-1)).toBe('1 unexplained difference');
  });

  it('without a ledger every difference is unexplained, and what only ours has needs no entry', async () => {
    await rm(ledgerDir(), { recursive: true, force: true });
    const { code, out } = await run();
    expect(code).toBe(1);
    expect(out).toContain('- impossible range: os-extend variant 1: min-ver 3.42 > max-ver 3.10');
    expect(out).toContain('### only in ours (needs no entry)\n\n- operation, only in ours: `POST /widgets`');
    expect(out.trimEnd().split('\n').at(-1)).toBe('6 unexplained differences');
  });

  it('reports an entry no difference matches as stale, with its file and line, and exits 1', async () => {
    await writeLedger({ 'a.yaml': OPERATIONS, 'b.yaml': REST + entry('operation', 'GET /widgets/{}/gone') });
    const { code, out, err } = await run();
    expect(out.trimEnd().split('\n').at(-1)).toBe('0 unexplained differences');
    expect(code).toBe(1);
    expect(err).toContain('1 stale ledger entry (no difference matches; remove or correct them):');
    expect(err).toContain(
      'spec/crosscheck-ledger/b.yaml:21:3: stale ledger entry: no operation difference `GET /widgets/{}/gone` in block-storage/v2',
    );
  });

  it('an entry for a version not compared (--version) is not stale', async () => {
    await writeLedger({
      'a.yaml': OPERATIONS + REST + entry('action', 'x').replace('block-storage/v2', 'block-storage/v3'),
    });
    expect((await run('--version', 'v2')).code).toBe(0);
    expect((await run()).code).toBe(1);
  });

  it('prints explained, unexplained and stale as JSON', async () => {
    await writeLedger({ 'a.yaml': OPERATIONS + entry('action', 'POST /widgets/{}/action gone') });
    const { code, out } = await run('--format', 'json');
    expect(code).toBe(1);
    const json = JSON.parse(out) as {
      explained: { subject: string; verdict: string }[];
      unexplained: { subject: string }[];
      stale: { subject: string; at: { line: number } }[];
    };
    expect(json.explained.map((x) => x.subject)).toEqual(['DELETE /widgets/{}', 'GET /widgets']);
    expect(json.unexplained).toHaveLength(4);
    expect(json.stale.map((x) => [x.subject, x.at.line])).toEqual([['POST /widgets/{}/action gone', 11]]);
  });

  it('a bounds entry pinned to both ranges explains the difference only while both still hold', async () => {
    const doc = parse(await readFile(MINI, 'utf8')) as unknown;
    const v3 = async (extendMin: string) => {
      await project.write(
        'spec/block-storage/v2/service.yaml',
        SERVICE_YAML.replace(
          'endpoint_versions: ["2", "3"]',
          'endpoint_versions: ["3"]\nmicroversion: {header_service: volume, min: "3.0", max: "3.70"}',
        ),
      );
      await project.write(
        'spec/block-storage/v2/widget.yaml',
        WIDGET_YAML.replace(
          '    kind: action\n    description: Extends a widget.',
          `    kind: action\n    description: Extends a widget.\n    min_version: "${extendMin}"`,
        ),
      );
      try {
        return crosscheck((await buildModel({ root: project.root })).services[0], doc);
      } finally {
        await project.write('spec/block-storage/v2/service.yaml', SERVICE_YAML);
      }
    };
    await writeLedger({
      'bounds.yaml': entry('bounds', 'POST /widgets/{}/action os-extend', '  theirs: 3.0-3.70\n  ours: 3.20 – 3.70\n'),
    });
    const ledger = await loadLedger(project.root);
    const pinned = applyLedger([await v3('3.20')], ledger, false);
    expect(pinned.explained.map((x) => x.difference.subject)).toEqual(['POST /widgets/{}/action os-extend']);
    expect(pinned.stale).toEqual([]);

    const moved = applyLedger([await v3('3.21')], ledger, false);
    expect(moved.explained).toEqual([]);
    expect(moved.unexplained.find((d) => d.kind === 'bounds')?.finding?.detail).toBe(
      'theirs 3.0–3.70, ours 3.21–3.70 (Widget.extend)',
    );
    expect(moved.stale.map((s) => s.entry.subject)).toEqual(['POST /widgets/{}/action os-extend']);
  });

  it('a malformed ledger is a LedgerError naming file, line and column of each problem', async () => {
    await writeLedger({
      'a.yaml': OPERATIONS,
      'b.yaml': entry('operation', 'GET /widgets') + entry('action', 'y', '  theirs: 3.0-3.1\n'),
      'c.yaml': '- service: [block-storage/v2\n',
      'd.yaml': `- service: block-storage/v2\n  kind: action\n  subject: x\n  verdit: typo\n${SETTLED}${entry('bounds', 'z').replace('line: 12', 'line: 0')}`,
    });
    const error = await loadLedger(project.root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    const lines = (error as LedgerError).message.split('\n');
    expect(lines[0]).toBe('5 cross-check ledger error(s):');
    expect(lines.slice(1).map((l) => l.replace(/YAML: .*/, 'YAML: …'))).toEqual([
      'spec/crosscheck-ledger/b.yaml:1:3: 0: operation "GET /widgets" of block-storage/v2 is already in the ledger at spec/crosscheck-ledger/a.yaml:6',
      'spec/crosscheck-ledger/b.yaml:9:11: 1.theirs: "theirs" is for kind bounds only, not action',
      'spec/crosscheck-ledger/c.yaml:2:1: YAML: …',
      'spec/crosscheck-ledger/d.yaml:4:11: 0.verdit: unknown key "verdit" (did you mean "verdict"?)',
      'spec/crosscheck-ledger/d.yaml:10:87: 1.settled-by.line: must be >= 1',
    ]);

    const cli = await run();
    expect(cli.code).toBe(2);
    expect(cli.err).toContain('5 cross-check ledger error(s):');
    expect(cli.out).toBe('');
  });

  it('a document that cannot be read exits 2', async () => {
    await writeLedger({});
    let err = '';
    const code = await runCrosscheck([path.join(project.root, 'missing.yaml'), '--root', project.root], {
      out: () => undefined,
      err: (t) => (err += t),
    });
    expect(code).toBe(2);
    expect(err).toMatch(/^cannot read .*missing\.yaml: ENOENT/);
  });
});

describe("finding Cinder's OpenAPI document", () => {
  it('looks at $CINDER_OPENAPI, then beside the clone, then the machine copy, and says where it looked', async () => {
    const base = path.join(project.root, 'find');
    const clone = path.join(base, 'clone');
    const beside = path.join(base, 'shared/reference/openapi/cinder-v3.yaml');
    const env = path.join(base, 'mine.yaml');
    const machine = path.join(base, 'machine.yaml');
    await mkdir(path.dirname(beside), { recursive: true });
    await mkdir(clone, { recursive: true });

    expect(findCinderOpenapi(clone, {}, [machine])).toEqual({ found: undefined, tried: [beside, machine] });
    await writeFile(machine, 'openapi: 3.1.0\n');
    expect(findCinderOpenapi(clone, {}, [machine]).found).toBe(machine);
    await writeFile(beside, 'openapi: 3.1.0\n');
    expect(findCinderOpenapi(clone, {}, [machine]).found).toBe(beside);
    await writeFile(env, 'openapi: 3.1.0\n');
    expect(findCinderOpenapi(clone, { CINDER_OPENAPI: env }, [machine]).found).toBe(env);
    // A $CINDER_OPENAPI that is not there is looked past, and listed among the places looked at.
    expect(findCinderOpenapi(clone, { CINDER_OPENAPI: `${env}.gone` }, [machine])).toEqual({
      found: beside,
      tried: [`${env}.gone`, beside, machine],
    });
  });
});
