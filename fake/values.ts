/**
 * Microversions and the spec's value types: comparing versions, checking a JSON value against a
 * type as the spec writes it (`integer`, `boolstr`, `list<string>`, `map<list<string>>`, a struct),
 * and the value a field shows before anything set it.
 */
import type { FakeField, FakeRange } from './model.js';

/** `3.10` → [3, 10]; undefined for anything else. */
export function parseVersion(text: string): readonly [number, number] | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function compareVersions(a: string, b: string): number {
  const [am, an] = parseVersion(a) ?? [0, 0];
  const [bm, bn] = parseVersion(b) ?? [0, 0];
  return am - bm || an - bn;
}

/** Whether `version` lies in the range; no version (v2) is inside every range's base. */
export function inRange(range: FakeRange, version: string | undefined, min = range.min): boolean {
  if (version === undefined) return min === undefined || compareVersions(min, '3.0') <= 0;
  if (min !== undefined && compareVersions(version, min) < 0) return false;
  if (range.max !== undefined && compareVersions(version, range.max) > 0) return false;
  return true;
}

/** Splits `list<map<string>>` into its outer kind and inner type. */
function generic(type: string): { kind: 'list' | 'map'; of: string } | undefined {
  const m = /^(list|map)<(.+)>$/.exec(type);
  return m ? { kind: m[1] as 'list' | 'map', of: m[2] } : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a value sent by a client. Returns undefined when it fits, else what was expected. Cinder's
 * JSON schemas accept digit strings for integers and the usual strings for booleans, so these do too;
 * null is accepted for any type (Cinder's schemas allow it for optional members).
 */
export function typeMismatch(
  value: unknown,
  type: string,
  structs: Readonly<Record<string, readonly FakeField[]>>,
): string | undefined {
  if (value === null) return undefined;
  const g = generic(type);
  if (g) {
    if (g.kind === 'list') {
      if (!Array.isArray(value)) return 'a list';
      for (const item of value) if (typeMismatch(item, g.of, structs)) return `a list of ${g.of}`;
      return undefined;
    }
    if (!isObject(value)) return 'an object';
    for (const item of Object.values(value)) if (typeMismatch(item, g.of, structs)) return `an object of ${g.of}`;
    return undefined;
  }
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'a string';
    case 'integer':
      return (typeof value === 'number' && Number.isInteger(value)) ||
        (typeof value === 'string' && /^-?\d+$/.test(value))
        ? undefined
        : 'an integer';
    case 'number':
      return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value)))
        ? undefined
        : 'a number';
    case 'boolean':
    case 'boolstr':
      return typeof value === 'boolean' || (typeof value === 'string' && BOOLEAN_WORDS.has(value.toLowerCase()))
        ? undefined
        : 'a boolean';
    case 'object':
      return isObject(value) ? undefined : 'an object';
    case 'any':
      return undefined;
    default: {
      const fields = structs[type];
      // A resource reference or a struct from elsewhere: an object, or an ID string.
      if (!fields) return isObject(value) || typeof value === 'string' ? undefined : 'an object';
      return isObject(value) ? undefined : 'an object';
    }
  }
}

const BOOLEAN_WORDS = new Set(['true', 'false', '1', '0', 't', 'f', 'yes', 'no', 'y', 'n', 'on', 'off']);
const TRUE_WORDS = new Set(['true', '1', 't', 'yes', 'y', 'on']);

/** A boolean sent as JSON or as one of Cinder's strings. */
export function toBoolean(value: unknown): boolean {
  return value === true || (typeof value === 'string' && TRUE_WORDS.has(value.toLowerCase()));
}

/** Stores a client value in the type the fake answers with (`"10"` → 10; `true` → `"true"` for boolstr). */
export function normalize(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return value;
  if (type === 'integer' && typeof value === 'string') return Number(value);
  if (type === 'number' && typeof value === 'string') return Number(value);
  if (type === 'boolean') return toBoolean(value);
  if (type === 'boolstr') return String(toBoolean(value));
  return value;
}

/** What a field shows before anything set it: Cinder answers with every key, null where unknown. */
export function emptyValue(type: string): unknown {
  const g = generic(type);
  if (g) return g.kind === 'list' ? [] : {};
  switch (type) {
    case 'boolstr':
      return 'false';
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return 0;
    default:
      return null;
  }
}

/** A value of the type for an answer nothing in the state fills (an action's declared result). */
export function sampleValue(type: string, structs: Readonly<Record<string, readonly FakeField[]>>, depth = 0): unknown {
  const fields = structs[type];
  if (fields && depth < 3)
    return Object.fromEntries(fields.map((f) => [f.wire, sampleValue(f.type, structs, depth + 1)]));
  if (type === 'object' || type === 'any') return {};
  return emptyValue(type);
}
