/**
 * The format of a generated `<resource>.cases.json`: written by the generator
 * (generator/emit/test-module.ts) and read by the runner (./example-suite.ts). Both import these
 * types, so the two cannot drift apart.
 *
 * The file is laid out one line per request, reply and outcome (see `casesJson`), so that a change
 * to one example shows in a review as the few lines it changes.
 */

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface CaseFile {
  /** The banner, as data (JSON has no comments). */
  readonly generated: string;
  readonly suite: string;
  /** Per proxy method, its cases in the order of the calls in `<resource>.test.ts`. */
  readonly methods: Readonly<Record<string, readonly CaseData[]>>;
}

/** The data half of one case. */
export interface CaseData {
  readonly title: string;
  /** Where the case comes from: `spec/block-storage/v3/volume.yaml:123` (its example, or its method). */
  readonly spec?: string;
  /** The server's maximum microversion, when the case needs one other than the default. */
  readonly server?: string;
  readonly replies: readonly ReplyData[];
  readonly requests: readonly RequestData[];
  readonly expect: Outcome;
}

export interface ReplyData {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: JsonValue;
}

export interface RequestData {
  readonly method: string;
  readonly path: string;
  /** Absent: no query string may be sent. */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  /** Extra headers to check; `null`: the header must be absent. */
  readonly headers?: Readonly<Record<string, string | null>>;
  /** Absent: no body may be sent. */
  readonly body?: JsonValue;
}

/** What the call must give: its result (by kind) or the error class it must throw. */
export type Outcome =
  | { readonly kind: 'undefined' }
  | { readonly kind: 'unchecked' }
  | { readonly kind: 'instance'; readonly class: string; readonly json: JsonValue }
  | { readonly kind: 'items'; readonly json: JsonValue }
  | { readonly kind: 'json'; readonly json: JsonValue }
  | { readonly kind: 'matches'; readonly value: JsonValue }
  | { readonly kind: 'equals'; readonly value: JsonValue }
  | { readonly kind: 'error'; readonly class: string; readonly message?: string };

/**
 * `<resource>.cases.json` as text: the outline indented, and each request, reply and outcome on one
 * line of compact JSON (`{ "status": 202 }`). Deterministic: the same data gives the same bytes.
 */
export function casesJson(file: CaseFile): string {
  const lines = ['{', `  "generated": ${JSON.stringify(file.generated)},`, `  "suite": ${JSON.stringify(file.suite)},`];
  const methods = Object.entries(file.methods);
  if (methods.length === 0) lines.push('  "methods": {}');
  else {
    lines.push('  "methods": {');
    methods.forEach(([name, cases], m) => {
      const methodEnd = m < methods.length - 1 ? ',' : '';
      if (cases.length === 0) {
        lines.push(`    ${JSON.stringify(name)}: []${methodEnd}`);
        return;
      }
      lines.push(`    ${JSON.stringify(name)}: [`);
      cases.forEach((c, i) => {
        lines.push('      {');
        const fields: string[] = [`"title": ${JSON.stringify(c.title)}`];
        if (c.spec !== undefined) fields.push(`"spec": ${JSON.stringify(c.spec)}`);
        if (c.server !== undefined) fields.push(`"server": ${JSON.stringify(c.server)}`);
        fields.push(list('replies', c.replies), list('requests', c.requests), `"expect": ${compact(c.expect)}`);
        lines.push(fields.map((f) => `        ${f}`).join(',\n'));
        lines.push(`      }${i < cases.length - 1 ? ',' : ''}`);
      });
      lines.push(`    ]${methodEnd}`);
    });
    lines.push('  }');
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** `"name": [` one item per line `]`, or `"name": []`. */
function list(name: string, items: readonly unknown[]): string {
  if (items.length === 0) return `"${name}": []`;
  return `"${name}": [\n${items.map((item) => `          ${compact(item)}`).join(',\n')}\n        ]`;
}

/**
 * One line of JSON with a space after `:` and `,` and inside braces (as prettier writes short JSON):
 * JSON.stringify's output, spaced in one pass that skips over strings (twice as fast as a regular
 * expression, and this runs for every request and reply of every regeneration).
 */
export function compact(value: unknown): string {
  const json = JSON.stringify(value);
  let out = '';
  let from = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; json.charCodeAt(i) !== QUOTE; i++) if (json.charCodeAt(i) === BACKSLASH) i++;
    } else if (c === OPEN) {
      if (json.charCodeAt(i + 1) === CLOSE) i++;
      else {
        out += `${json.slice(from, i + 1)} `;
        from = i + 1;
      }
    } else if (c === CLOSE) {
      out += `${json.slice(from, i)} }`;
      from = i + 1;
    } else if (c === COMMA || c === COLON) {
      out += `${json.slice(from, i + 1)} `;
      from = i + 1;
    }
  }
  return out + json.slice(from);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;
