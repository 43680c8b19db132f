/**
 * Strings from the spec can never break or change the emitted code: descriptions with comment
 * terminators, template-literal syntax, quotes and newlines; wire names and enum values with quotes
 * and backslashes. The output must compile under strict TypeScript and keep every string exact.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../generator/model/build.js';
import { generate, writeTree } from '../../generator/pipeline.js';
import { createConnection } from '../../runtime/connect.js';
import type { ProxyClass } from '../../runtime/service.js';
import { RecordingServer, TEST_TOKEN } from '../../testing/recording-server.js';
import { REPO, SERVICE_YAML, WIDGET_YAML, tempProject, type TempProject } from './fixture.js';

const HOSTILE_DESCRIPTION =
  'Ends a comment */ then ${process.exit(1)} `backtick` "double" \'single\' \\ backslash\n@param fake - injected tag\n*/ console.log("escaped") /*';
const HOSTILE_WIRE = 'os-"weird"`${x}`*/:name\\';
const HOSTILE_ENUM = 'it\'s "quoted" ${no}';
const HOSTILE_LITERAL = '</script>\u2028${1+1}`';
const HOSTILE_TITLE = 'ends the line\nthrow new Error("injected") // \u2028 and */ `${x}` "quotes"';

function yamlString(s: string): string {
  return JSON.stringify(s);
}

const SPEC = WIDGET_YAML.replace('description: A widget.', `description: ${yamlString(HOSTILE_DESCRIPTION)}`)
  .replace(
    '  size: {type: integer, write: create, description: The size.}',
    `  size: {type: integer, write: create, description: The size.}
  hostile: {type: string, wire: ${yamlString(HOSTILE_WIRE)}, write: create, enum: [${yamlString(HOSTILE_ENUM)}, plain], description: ${yamlString(HOSTILE_DESCRIPTION)}}`,
  )
  .replace('        new_size: $newSize', `        new_size: $newSize\n        note: ${yamlString(HOSTILE_LITERAL)}`)
  .replace('      - args: [w-1]\n', `      - args: [w-1]\n        title: ${yamlString(HOSTILE_TITLE)}\n`)
  .replace(
    '        request: {method: POST, path: /widgets/w-1/action, body: {os-extend: {new_size: 3}}}',
    `        request: {method: POST, path: /widgets/w-1/action, body: {os-extend: {new_size: 3, note: ${yamlString(HOSTILE_LITERAL)}}}}`,
  );

let project: TempProject;
let files: Map<string, string>;
beforeAll(async () => {
  // Inside the repository so that the emitted test can import vitest and the support code.
  project = await tempProject({ 'service.yaml': SERVICE_YAML, 'widget.yaml': SPEC }, path.join(REPO, '.scratch'));
  files = await generate(project.root, await buildModel({ root: project.root }));
  await writeTree(project.root, files);
}, 60_000);
afterAll(async () => {
  await project.remove();
});

describe('hostile strings in the spec', () => {
  it('the emitted code compiles under strict TypeScript', () => {
    const roots = [...files.keys()]
      .filter((f) => !f.includes('/tests/') && f.endsWith('.ts'))
      .map((f) => path.join(project.root, f));
    const program = ts.createProgram(roots, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(REPO, 'node_modules/@types')],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 60_000);

  it('an example title stays data: exact in the cases file, one escaped string in the call table', async () => {
    const cases = JSON.parse(
      await readFile(path.join(project.root, 'generated/block-storage/v2/tests/widget.cases.json'), 'utf8'),
    ) as {
      methods: Record<string, { title: string }[]>;
    };
    expect(cases.methods['getWidget'][0].title).toBe(HOSTILE_TITLE);
    const code = await readFile(path.join(project.root, 'generated/block-storage/v2/tests/widget.test.ts'), 'utf8');
    const parsed = ts.createSourceFile('widget.test.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    expect((parsed as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
    // Nothing of the title runs as code: the table's first string literal is the title, exactly.
    expect(code).not.toMatch(/^\s*throw new Error\("injected"\)/m);
    const titles: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isArrayLiteralExpression(node) && node.elements.length === 2 && ts.isStringLiteral(node.elements[0]))
        titles.push(node.elements[0].text);
      ts.forEachChild(node, visit);
    };
    visit(parsed);
    expect(titles).toContain(HOSTILE_TITLE);
  });

  it('no comment is closed early and no tag is injected', async () => {
    const text = await readFile(path.join(project.root, 'generated/block-storage/v2/widget.ts'), 'utf8');
    expect(text).toContain('Ends a comment *\\/ then ${process.exit(1)}');
    expect(text).toContain('\\@param fake - injected tag');
    expect(text).not.toMatch(/\*\/ console\.log/);
  });

  it('wire names, enum values and body literals stay exact at run time', async () => {
    const mod = (await import(pathToFileURL(path.join(project.root, 'generated/block-storage/v2/widget.ts')).href)) as {
      Widget: {
        schema: { fields: Record<string, { wire: string }> };
        new (attrs: object): { toRequest(kind: string): { body: Record<string, unknown> } };
      };
    };
    expect(mod.Widget.schema.fields['hostile'].wire).toBe(HOSTILE_WIRE);
    const widget = new mod.Widget({ hostile: HOSTILE_ENUM });
    expect(widget.toRequest('create').body).toEqual({ [HOSTILE_WIRE]: HOSTILE_ENUM });
  });

  it('a hostile body literal goes over the wire unchanged', async () => {
    const server = await RecordingServer.start();
    const { BlockStorageV2 } = (await import(
      pathToFileURL(path.join(project.root, 'generated/block-storage/v2/proxy.ts')).href
    )) as {
      BlockStorageV2: ProxyClass<{ extendWidget(id: string, size: number): Promise<void> }>;
    };
    const connection = await createConnection(
      {
        authType: 'admin_token',
        auth: { token: TEST_TOKEN, endpoint: server.endpoint },
        env: false,
        cwd: '/nonexistent',
        homeDir: '/nonexistent',
        systemConfigDirs: [],
      },
      [{ attribute: 'widgets', serviceType: 'block-storage', versions: [BlockStorageV2] }] as const,
    );
    try {
      server.reply({ status: 202 });
      await connection.widgets.extendWidget('w-1', 3);
      const [request] = server.take();
      expect(request.body).toEqual({ 'os-extend': { new_size: 3, note: HOSTILE_LITERAL } });
    } finally {
      await connection.close();
      await server.close();
    }
  });
});
