/**
 * Argument checks run at the top of every generated method, so that a JavaScript caller (or a
 * TypeScript one holding `any`) gets a typed error naming the argument before anything is sent.
 * Generated code states what it expects as a table (`checkArgs(options, { size: 'integer' })`)
 * rather than as one call per argument: the table is what a reviewer reads, and this is the one
 * place that interprets it.
 */
import { InvalidArgumentError } from './errors.js';
import { encodeValue, type FieldType } from './resource.js';

/** How one argument is checked: its type alone (optional), or the type with more constraints. */
export type ArgRule =
  | FieldType
  | {
      readonly type: FieldType;
      /** The argument must be given (not undefined or null). */
      readonly required?: boolean | undefined;
      /** The only values allowed (string enums). */
      readonly enum?: readonly string[] | undefined;
    };

/** Argument name → rule, in the order the method declares them (the first failure is reported). */
export type ArgRules = Readonly<Record<string, ArgRule>>;

/**
 * Checks every argument named in `rules`, reading its value from `values` by the same name (the
 * options object, or the positional arguments beside it). The rules may only name keys of `values`.
 */
export function checkArgs<T extends object>(values: T, rules: { readonly [K in keyof T]?: ArgRule }): void {
  const table = rules as ArgRules;
  const given = values as Readonly<Record<string, unknown>>;
  for (const name of Object.keys(table)) {
    const rule = table[name];
    if (typeof rule === 'object' && 'type' in rule)
      checkArg(name, given[name], rule.type, rule.required ?? false, rule.enum);
    else checkArg(name, given[name], rule, false);
  }
}

export function checkArg(
  name: string,
  value: unknown,
  type: FieldType,
  required: boolean,
  allowed?: readonly string[],
): void {
  if (value === undefined || value === null) {
    if (required) throw new InvalidArgumentError(name, 'is required');
    return;
  }
  encodeValue(value, type, name);
  if (allowed && !allowed.includes(value as string)) {
    throw new InvalidArgumentError(
      name,
      `expected one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
}

/**
 * A value substituted into a path segment must stay one segment naming one thing. `.` and `..`
 * would be resolved away by URL parsing (WHATWG URL, and so fetch, also reads `%2e%2e` as `..`,
 * so encoding is no cure): `DELETE /volumes/..` becomes `DELETE /v3/<project>/`, and a metadata
 * key `..` turns a delete of one key into one on the whole volume behind a gateway that drops
 * trailing slashes. An empty value collapses the segment. All are refused before any request.
 */
export function checkPathValue(name: string, value: string | undefined, operation: string): asserts value is string {
  const error = pathValueError(name, value, operation);
  if (error) throw error;
}

/** The error `checkPathValue` would throw, for callers that reject instead. */
export function pathValueError(
  name: string,
  value: string | undefined,
  operation: string,
): InvalidArgumentError | undefined {
  if (value === undefined || value === '') return new InvalidArgumentError(name, `is required by ${operation}`);
  if (value === '.' || value === '..')
    return new InvalidArgumentError(name, `${JSON.stringify(value)} cannot be sent as a path segment of ${operation}`);
  return undefined;
}

/** Whether a value can be a path segment (`findVolume('..')` then looks by name only). */
export function isPathValue(value: string): boolean {
  return value !== '' && value !== '.' && value !== '..';
}
