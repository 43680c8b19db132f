/**
 * The spec reader's two YAML parsers (generator/load/source.ts): js-yaml reads the data, `yaml`
 * gives positions and reports problems. These pin that the fast path changes nothing a spec author
 * or a reviewer can see: the same data for every spec file, the same positions, and every file the
 * fast parser refuses or cannot bound (aliases) handled by `yaml`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { Diagnostics } from '../../generator/load/diagnostics.js';
import { findSpecFiles, parseSource } from '../../generator/load/source.js';
import { REPO } from './fixture.js';

describe('spec source parsing', () => {
  it('reads every spec file to the same data as the yaml library', async () => {
    const files = await findSpecFiles(path.join(REPO, 'spec'));
    expect(files.length).toBeGreaterThan(40);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const doc = parseSource(path.relative(REPO, file), text, new Diagnostics());
      expect(doc, file).toBeDefined();
      expect(doc!.data, file).toEqual(YAML.parse(text));
    }
  });

  it('locates a path lazily, at the line and column of the node', () => {
    const text = 'resource: Widget\nfields:\n  id: {type: string}\n  size:\n    type: integer\n';
    const doc = parseSource('spec/x.yaml', text, new Diagnostics())!;
    const at = doc.locate(['fields', 'size', 'type']);
    expect({ file: at.file, line: at.line, col: at.col }).toEqual({ file: 'spec/x.yaml', line: 5, col: 11 });
  });

  it('a duplicate key is reported by yaml with its position', () => {
    const d = new Diagnostics();
    expect(parseSource('spec/x.yaml', 'a: 1\nb: 2\na: 3\n', d)).toBeUndefined();
    expect(d.items).toHaveLength(1);
    expect(d.items[0]).toMatchObject({ file: 'spec/x.yaml', line: 3 });
    expect(d.items[0].message).toMatch(/unique|duplicate/i);
  });

  it('aliases go through yaml, whose expansion limit stops a billion-laughs document', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const d = new Diagnostics();
    expect(parseSource('spec/bomb.yaml', `${levels.join('\n')}\n`, d)).toBeUndefined();
    expect(d.items).toHaveLength(1);
    expect(d.items[0]).toMatchObject({ file: 'spec/bomb.yaml', line: 1, col: 1 });
    expect(d.items[0].message).toMatch(/^YAML: .*alias/i);
  });

  it('a harmless alias still reads the same', () => {
    const doc = parseSource('spec/x.yaml', 'base: &b {type: string}\nfields:\n  a: *b\n', new Diagnostics())!;
    expect(doc.data).toEqual({ base: { type: 'string' }, fields: { a: { type: 'string' } } });
  });
});
