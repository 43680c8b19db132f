/**
 * Type expressions of the spec: `string`, `list<VolumeAttachment>`, `map<string>`, a struct name.
 */
import type { ScalarName, TypeRef } from './types.js';

export const SCALARS: readonly ScalarName[] = ['string', 'integer', 'number', 'boolean', 'boolstr', 'object', 'any'];

export type TypeExprResult =
  { readonly ok: true; readonly type: TypeRef } | { readonly ok: false; readonly message: string };

/**
 * Parses a type expression. `known` tells whether a PascalCase name is a struct of the file or a
 * resource of the service (resources are only allowed where `allowResources`).
 */
export function parseTypeExpr(
  text: string,
  known: (name: string) => 'struct' | 'resource' | undefined,
  allowResources = false,
): TypeExprResult {
  const generic = /^(list|map)<(.+)>$/.exec(text);
  if (generic) {
    const inner = parseTypeExpr(generic[2], known, allowResources);
    if (!inner.ok) return inner;
    return { ok: true, type: { kind: generic[1] as 'list' | 'map', of: inner.type } };
  }
  if ((SCALARS as readonly string[]).includes(text))
    return { ok: true, type: { kind: 'scalar', name: text as ScalarName } };
  const kind = /^[A-Z][A-Za-z0-9]*$/.test(text) ? known(text) : undefined;
  if (kind === 'struct') return { ok: true, type: { kind: 'struct', name: text } };
  if (kind === 'resource' && allowResources) return { ok: true, type: { kind: 'resource', name: text } };
  const hint = suggest(text);
  return { ok: false, message: `unknown type "${text}"${hint ? ` (did you mean "${hint}"?)` : ''}` };
}

function suggest(text: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of SCALARS) {
    const d = distance(text.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
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

export function typeToString(type: TypeRef): string {
  switch (type.kind) {
    case 'scalar':
      return type.name;
    case 'list':
    case 'map':
      return `${type.kind}<${typeToString(type.of)}>`;
    default:
      return type.name;
  }
}
