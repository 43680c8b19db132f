/**
 * Type expressions of the spec: `string`, `list<VolumeAttachment>`, `map<string>`, a struct name.
 */
import { closest } from '../load/diagnostics.js';
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
  const hint = closest(text, SCALARS);
  return { ok: false, message: `unknown type "${text}"${hint ? ` (did you mean "${hint}"?)` : ''}` };
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
