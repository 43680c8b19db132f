/**
 * Argument checks emitted at the top of every generated method, so that a JavaScript caller (or a
 * TypeScript one holding `any`) gets a typed error naming the argument before anything is sent.
 */
import { InvalidArgumentError } from './errors.js';
import { encodeValue, type FieldType } from './resource.js';

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
