/**
 * Spec errors with positions. Every problem found while loading is collected, not thrown, so that
 * one run reports all of them: `spec/block-storage/v2/volume.yaml:42:7: operations.extend.body: …`.
 */

export interface Position {
  /** Path of the spec file, relative to the project root, with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Diagnostic extends Position {
  /** Dotted location inside the document, e.g. `operations.extend.args.size.type`. */
  readonly at: string;
  readonly message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const at = d.at ? `${d.at}: ` : '';
  return `${d.file}:${d.line}:${d.col}: ${at}${d.message}`;
}

/** Thrown by the pipeline when a spec has errors; carries all of them. */
export class SpecError extends Error {
  override readonly name = 'SpecError';
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const sorted = [...diagnostics].sort(compareDiagnostics);
    super(`${sorted.length} spec error(s):\n${sorted.map(formatDiagnostic).join('\n')}`);
    this.diagnostics = sorted;
  }
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message);
}

/** Collects diagnostics while a phase runs. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];
  readonly #seen = new Set<string>();
  add(position: Position, at: string, message: string): void {
    const item = { file: position.file, line: position.line, col: position.col, at, message };
    // A file that others extend is checked once per version that inherits it: report it once.
    const key = JSON.stringify([item.file, item.line, item.col, at, message]);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.items.push(item);
  }
  get hasErrors(): boolean {
    return this.items.length > 0;
  }
  throwIfAny(): void {
    if (this.items.length > 0) throw new SpecError(this.items);
  }
}

/** The candidate closest to a misspelt word (edit distance at most 2), for "did you mean". */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance && d < Math.max(word.length, candidate.length)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
