/**
 * Turning model values into TypeScript text. Everything that comes from the spec as free text
 * (descriptions, wire names, enum values, example data) goes through `literal()` or `docText()`, so
 * no spec string can break out of a string literal or a comment.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { JsonValue, TypeRef } from '../model/types.js';
import { templatesDir } from '../paths.js';

const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** Renders a template from templates/ (compiled once per process). */
export function renderTemplate(name: string, context: object): string {
  let template = compiled.get(name);
  if (!template) {
    const hb = Handlebars.create();
    hb.registerHelper('json', (value: unknown) => new Handlebars.SafeString(literal(value as JsonValue)));
    hb.registerHelper('str', (value: unknown) => new Handlebars.SafeString(literal(String(value))));
    template = hb.compile(readFileSync(path.join(templatesDir, `${name}.hbs`), 'utf8'), {
      noEscape: true,
      strict: true,
    });
    compiled.set(name, template);
  }
  return template(context);
}

/**
 * A JavaScript literal for any JSON value. JSON.stringify escapes quotes, backslashes and control
 * characters; U+2028/2029 are escaped too for older parsers. Strings never reach a template literal.
 */
export function literal(value: JsonValue | undefined): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A value as TypeScript source in the house style (single quotes, bare keys where possible, spaces
 * inside braces), for code that prettier leaves as laid out (a `// prettier-ignore` table). Every
 * string is escaped like `literal()` does: nothing can end the string or the line.
 */
export function tsValue(value: JsonValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return singleQuoted(value);
  if (Array.isArray(value)) return `[${value.map((v) => tsValue(v as JsonValue)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, JsonValue>);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${tsKey(k)}: ${tsValue(v)}`).join(', ')} }`;
  }
  return literal(value);
}

/** A property key in the same style: bare when it is a plain identifier. */
export function tsKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : singleQuoted(key);
}

function singleQuoted(s: string): string {
  // JSON.stringify escapes backslashes, controls and `"`; swap the quotes it uses for single ones.
  const body = JSON.stringify(s)
    .slice(1, -1)
    .replace(/\\(.)/g, (escape, c: string) => (c === '"' ? '"' : escape))
    .replace(/'/g, "\\'")
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `'${body}'`;
}

/** A property key: bare when it is a plain identifier, quoted otherwise. */
export function propertyKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : literal(key);
}

/**
 * Text safe inside a `/** … *\/` comment: `*\/` cannot end it early, and an `@` at the start of a
 * line cannot start a TSDoc tag the spec did not mean.
 */
export function docText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\*\//g, '*\\/')
    .replace(/^(\s*)@/gm, '$1\\@')
    .trim();
}

/** The TypeScript type of a value read from the API. */
export function tsType(type: TypeRef): string {
  switch (type.kind) {
    case 'scalar':
      switch (type.name) {
        case 'string':
          return 'string';
        case 'integer':
        case 'number':
          return 'number';
        case 'boolean':
        case 'boolstr':
          return 'boolean';
        case 'object':
          return 'Record<string, unknown>';
        case 'any':
          return 'unknown';
      }
      break;
    case 'list':
      return `readonly ${wrap(tsType(type.of))}[]`;
    case 'map':
      return `Readonly<Record<string, ${tsType(type.of)}>>`;
    case 'struct':
    case 'resource':
      return type.name;
  }
  return 'unknown';
}

function wrap(t: string): string {
  return /[\s|<]/.test(t) ? `(${t})` : t;
}

/** The runtime FieldType descriptor of a type (struct schemas by their emitted const name). */
export function fieldTypeExpr(type: TypeRef): string {
  switch (type.kind) {
    case 'scalar':
      return literal(type.name);
    case 'list':
      return `{ list: ${fieldTypeExpr(type.of)} }`;
    case 'map':
      return `{ map: ${fieldTypeExpr(type.of)} }`;
    case 'struct':
      return `{ struct: ${structSchemaName(type.name)} }`;
    case 'resource':
      return literal('object');
  }
}

export function structSchemaName(struct: string): string {
  return `${struct}Schema`;
}

/** Struct names a type mentions (for imports and ordering). */
export function structsIn(type: TypeRef): string[] {
  if (type.kind === 'struct') return [type.name];
  if (type.kind === 'list' || type.kind === 'map') return structsIn(type.of);
  return [];
}

/** `'a' | 'b'` for enums, else the plain type. */
export function tsTypeWithEnum(type: TypeRef, values: readonly string[] | undefined): string {
  if (values && values.length > 0) return values.map((v) => literal(v)).join(' | ');
  return tsType(type);
}
