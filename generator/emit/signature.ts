/**
 * The TypeScript signature of a proxy method, shared by the standalone function (resource module)
 * and the Proxy class method, so the two can never disagree.
 */
import type { ProxyMethodModel, ProxyParam, ResourceModel, ServiceModel } from '../model/types.js';
import { upperFirst } from '../model/util.js';
import { structsIn, tsType, tsTypeWithEnum } from './render.js';

export interface EmittedParam {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  readonly initializer?: string | undefined;
  readonly description: string;
}

export interface MethodSignature {
  /** Positional parameters, then `options`. */
  readonly params: readonly EmittedParam[];
  readonly returnType: string;
  /** The options interface to emit, when the method has options of its own. */
  readonly optionsInterface?:
    { readonly name: string; readonly extendsType: string; readonly members: readonly ProxyParam[] } | undefined;
  /** Overloads (find with ignoreMissing: false returns the resource itself). */
  readonly overloads: readonly { readonly params: readonly EmittedParam[]; readonly returnType: string }[];
  /** Resource classes the signature mentions (for imports). */
  readonly mentions: ReadonlySet<string>;
  /** Types of the method's own resource module it mentions: attribute types, structs. */
  readonly localTypes: ReadonlySet<string>;
}

export function paramType(param: ProxyParam, mentions: Set<string>): string {
  const role = param.role;
  switch (role.kind) {
    case 'target': {
      mentions.add(role.resource);
      if (role.parent) mentions.add(role.parent.resource);
      if (role.instanceOnly) return role.resource;
      return ['string', role.resource, ...(role.parent ? [role.parent.resource] : [])].join(' | ');
    }
    case 'attrs':
      return `${role.resource}${role.mode === 'create' ? 'Create' : 'Update'}`;
    case 'nameOrId':
      return 'string';
    case 'arg':
      if (role.arg.ref) {
        mentions.add(role.arg.ref);
        return `string | ${role.arg.ref}`;
      }
      return tsTypeWithEnum(role.arg.type, role.arg.enum);
    case 'extra':
      return tsType(role.type);
    case 'details':
    case 'ignoreMissing':
      return 'boolean';
  }
}

export function optionsTypeName(method: ProxyMethodModel): string {
  return `${upperFirst(method.name)}Options`;
}

export function methodSignature(
  service: ServiceModel,
  resource: ResourceModel | undefined,
  method: ProxyMethodModel,
): MethodSignature {
  const mentions = new Set<string>();
  const positional: EmittedParam[] = method.params
    .filter((p) => p.positional || (p.role.kind === 'target' && p.optional))
    .map((p) => {
      const defaultId = p.role.kind === 'target' ? p.role.defaultId : undefined;
      return {
        name: p.name,
        type: paramType(p, mentions),
        optional: p.optional && defaultId === undefined,
        initializer: defaultId !== undefined ? JSON.stringify(defaultId) : undefined,
        description: p.description,
      };
    });
  const optionMembers = method.params.filter((p) => !p.positional && !(p.role.kind === 'target' && p.optional));
  const base = method.kind === 'list' ? 'ListOptions' : 'RequestOptions';
  let optionsInterface: MethodSignature['optionsInterface'];
  let optionsType = base;
  if (optionMembers.length > 0) {
    optionsType = optionsTypeName(method);
    optionsInterface = { name: optionsType, extendsType: base, members: optionMembers };
    for (const m of optionMembers) paramType(m, mentions);
  }
  const options: EmittedParam = {
    name: 'options',
    type: optionsType,
    optional: optionMembers.length === 0,
    initializer: optionMembers.length > 0 ? '{}' : undefined,
    description: 'Options of this call.',
  };
  const returnType = returnTypeOf(method, mentions);
  const overloads: { params: readonly EmittedParam[]; returnType: string }[] = [];
  if (method.kind === 'find') {
    const resourceName = method.resource!;
    const noDefault = positional.map((p) => ({ ...p, initializer: undefined }));
    overloads.push(
      {
        params: [
          ...noDefault,
          {
            ...options,
            type: `${optionsType} & { readonly ignoreMissing: false }`,
            optional: false,
            initializer: undefined,
          },
        ],
        returnType: `Promise<${resourceName}>`,
      },
      { params: [...noDefault, { ...options, optional: true, initializer: undefined }], returnType },
    );
  }
  void service;
  void resource;
  const localTypes = new Set<string>();
  for (const p of method.params) {
    if (p.role.kind === 'attrs') localTypes.add(`${p.role.resource}${p.role.mode === 'create' ? 'Create' : 'Update'}`);
    if (p.role.kind === 'arg') for (const s of structsIn(p.role.arg.type)) localTypes.add(s);
    if (p.role.kind === 'extra') for (const s of structsIn(p.role.type)) localTypes.add(s);
  }
  if (method.returns.kind === 'value') for (const s of structsIn(method.returns.type)) localTypes.add(s);
  return { params: [...positional, options], returnType, optionsInterface, overloads, mentions, localTypes };
}

function returnTypeOf(method: ProxyMethodModel, mentions: Set<string>): string {
  const r = method.returns;
  switch (r.kind) {
    case 'void':
      return 'Promise<void>';
    case 'paginated':
      mentions.add(r.resource);
      return `Paginated<${r.resource}>`;
    case 'resource':
      mentions.add(r.resource);
      return r.optional ? `Promise<${r.resource} | undefined>` : `Promise<${r.resource}>`;
    case 'value':
      return `Promise<${tsType(r.type)}>`;
  }
}
