/**
 * One module per resource: its struct types, attribute types, the resource class (typed accessors
 * over the wire mapping), its wire operations as data, and one standalone function per proxy
 * method — tree-shakeable, and what the Proxy class delegates to.
 */
import type {
  ClassDeclarationStructure,
  FunctionDeclarationStructure,
  InterfaceDeclarationStructure,
  OptionalKind,
  PropertySignatureStructure,
  StatementStructures,
} from 'ts-morph';
import type {
  ArgModel,
  BodyTemplate,
  CallPlan,
  FieldModel,
  OperationModel,
  ProxyMethodModel,
  ProxyParam,
  ResourceModel,
  ServiceModel,
  StructModel,
} from '../model/types.js';
import { lowerFirst, upperFirst } from '../model/util.js';
import { doc, returnsText } from './docs.js';
import { fieldTypeExpr, literal, propertyKey, structSchemaName, structsIn, tsType, tsTypeWithEnum } from './render.js';
import { methodSignature, paramType, type EmittedParam } from './signature.js';
import { operationsConstName } from './naming.js';
import { StructureKind, VariableDeclarationKind } from './ts-morph.js';

export interface ModuleOutput {
  readonly statements: StatementStructures[];
}

/** Names of runtime exports a module uses, collected while emitting. */
class Uses {
  readonly values = new Set<string>();
  readonly types = new Set<string>();
  readonly resourceValues = new Set<string>();
  readonly resourceTypes = new Set<string>();
  value(...names: string[]): string {
    for (const n of names) this.values.add(n);
    return names[0];
  }
  type(...names: string[]): string {
    for (const n of names) this.types.add(n);
    return names[0];
  }
}

export function emitResourceModule(
  service: ServiceModel,
  resource: ResourceModel,
  modulePath: (r: string) => string,
): StatementStructures[] {
  const uses = new Uses();
  const body: StatementStructures[] = [];
  const resourcesByName = new Map(service.resources.map((r) => [r.name, r]));

  const statusType = statusTypeAlias(resource);
  if (statusType) body.push(statusType);
  for (const struct of orderStructs(resource.structs)) {
    body.push(structInterface(struct));
    body.push(structSchemaConst(struct, uses));
  }
  body.push(
    attributesInterface(
      resource,
      'Attributes',
      resource.fields,
      `Attributes of a {@link ${resource.name}}, by TypeScript name. Used to build an instance.`,
    ),
  );
  const creatable = resource.fields.filter((f) => f.create);
  const updatable = resource.fields.filter((f) => f.update);
  if (resource.methods.some((m) => m.kind === 'create')) {
    body.push(
      attributesInterface(
        resource,
        'Create',
        creatable,
        `Attributes accepted when creating a {@link ${resource.name}}.`,
      ),
    );
  }
  if (resource.methods.some((m) => m.kind === 'update')) {
    body.push(
      attributesInterface(
        resource,
        'Update',
        updatable,
        `Attributes that can be changed on an existing {@link ${resource.name}}.`,
      ),
    );
  }
  body.push(...operationsConst(resource, uses));
  body.push(resourceClass(resource, uses));
  body.push(fieldProperties(resource));

  for (const method of resource.methods) {
    const sig = methodSignature(service, resource, method);
    for (const name of sig.mentions) if (name !== resource.name) uses.resourceTypes.add(name);
    if (sig.optionsInterface) body.push(optionsInterface(sig.optionsInterface, uses));
    body.push(methodFunction(resource, method, sig.params, sig.returnType, sig.overloads, uses));
  }
  uses.type('ServiceClient');

  const imports: StatementStructures[] = [];
  const runtimeNamed = [
    ...[...uses.values].sort().map((n) => ({ name: n })),
    ...[...uses.types]
      .filter((t) => !uses.values.has(t))
      .sort()
      .map((n) => ({ name: n, isTypeOnly: true })),
  ];
  imports.push({
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: '../../../runtime/index.js',
    namedImports: runtimeNamed,
  });
  const others = new Set([...uses.resourceValues, ...uses.resourceTypes]);
  for (const other of [...others].sort()) {
    if (other === resource.name) continue;
    const owner = resourcesByName.get(other);
    if (!owner) continue;
    const asValue = uses.resourceValues.has(other);
    imports.push({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: modulePath(owner.name),
      namedImports: [{ name: other }],
      isTypeOnly: !asValue,
    });
  }
  return [...imports, ...body];
}

/** Structs used by other structs come first (consts reference each other). */
function orderStructs(structs: readonly StructModel[]): StructModel[] {
  const byName = new Map(structs.map((s) => [s.name, s]));
  const out: StructModel[] = [];
  const done = new Set<string>();
  const visit = (s: StructModel): void => {
    if (done.has(s.name)) return;
    done.add(s.name);
    for (const f of s.fields) for (const dep of structsIn(f.type)) if (byName.has(dep)) visit(byName.get(dep)!);
    out.push(s);
  };
  for (const s of structs) visit(s);
  return out;
}

function fieldDoc(f: FieldModel): string {
  const notes: string[] = [];
  if (f.wire !== f.name) notes.push(`Wire name: \`${f.wire}\`.`);
  if (f.minVersion || f.maxVersion) notes.push(`Microversions ${f.minVersion ?? '…'}–${f.maxVersion ?? '…'}.`);
  if (f.toleratedAfterMax)
    notes.push(
      `After ${f.maxVersion ?? ''} only ${f.toleratedAfterMax.values.map((v) => `\`${JSON.stringify(v)}\``).join(', ')} (accepted and ignored).`,
    );
  return doc({
    description: f.description,
    remarks: notes.length > 0 ? notes.join(' ') : undefined,
    deprecated: f.deprecated,
  });
}

function structInterface(struct: StructModel): InterfaceDeclarationStructure {
  return {
    kind: StructureKind.Interface,
    name: struct.name,
    isExported: true,
    docs: [doc({ description: struct.description })],
    properties: struct.fields.map((f) => ({
      name: propertyKey(f.name),
      type: tsTypeWithEnum(f.type, f.enum),
      hasQuestionToken: true,
      isReadonly: true,
      docs: [fieldDoc(f)],
    })),
  };
}

function fieldSpecExpr(f: FieldModel, withWrite: boolean): string {
  const parts = [`wire: ${literal(f.wire)}`, `type: ${fieldTypeExpr(f.type)}`];
  if (withWrite && f.create) parts.push('create: true');
  if (withWrite && f.update) parts.push('update: true');
  if (f.placement === 'root') parts.push('root: true');
  if (f.placement === 'flatten') parts.push('flatten: true');
  // What a request that sends the field needs.
  const writeMin = f.writeMinVersion ?? f.minVersion;
  if (withWrite && (f.create || f.update) && writeMin) parts.push(`minVersion: ${literal(writeMin)}`);
  else if (f.minVersion) parts.push(`minVersion: ${literal(f.minVersion)}`);
  if (f.maxVersion) parts.push(`maxVersion: ${literal(f.maxVersion)}`);
  if (f.toleratedAfterMax) parts.push(`toleratedAfterMax: ${literal([...f.toleratedAfterMax.values])}`);
  if (withWrite && f.create && f.createWire) parts.push(`createWire: ${literal(f.createWire)}`);
  return `{ ${parts.join(', ')} }`;
}

function fieldsObject(fields: readonly FieldModel[], withWrite: boolean): string {
  return `{\n${fields.map((f) => `${propertyKey(f.name)}: ${fieldSpecExpr(f, withWrite)},`).join('\n')}\n}`;
}

function structSchemaConst(struct: StructModel, uses: Uses): StatementStructures {
  uses.type('StructSchema');
  return {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    isExported: true,
    docs: [doc({ description: `Wire mapping of {@link ${struct.name}}.` })],
    declarations: [
      {
        name: structSchemaName(struct.name),
        type: 'StructSchema',
        initializer: `{ name: ${literal(struct.name)}, fields: ${fieldsObject(struct.fields, false)} }`,
      },
    ],
  };
}

/** Input types accept what a caller writes: mutable arrays, null to clear a value. */
function inputType(resource: ResourceModel, f: FieldModel): string {
  return `${fieldType(resource, f).replace(/^readonly /, '')} | null`;
}

/** `VolumeStatus` when the spec lists the resource's statuses (`status.values`). */
export function statusTypeName(resource: ResourceModel): string | undefined {
  return resource.status && resource.status.values.length > 0 ? `${resource.name}Status` : undefined;
}

/**
 * A field's TypeScript type. The status field reads as the spec's statuses, left open
 * (`| (string & {})`: a newer Cinder may add one, and editors still complete the known ones).
 */
function fieldType(resource: ResourceModel, f: FieldModel): string {
  const status = statusTypeName(resource);
  if (status && f.name === resource.status?.field) return `${status} | (string & {})`;
  return tsTypeWithEnum(f.type, f.enum);
}

/** `export type VolumeStatus = 'available' | …`: the closed set `waitForStatus` targets. */
function statusTypeAlias(resource: ResourceModel): StatementStructures | undefined {
  const name = statusTypeName(resource);
  if (!name || !resource.status) return undefined;
  const s = resource.status;
  return {
    kind: StructureKind.TypeAlias,
    name,
    isExported: true,
    docs: [
      doc({
        description: `Every status a {@link ${resource.name}} is known to take (the spec's \`status.values\`). Failure states: ${s.failures.map((v) => `\`${v}\``).join(', ')}.`,
      }),
    ],
    type: [...s.values]
      .sort()
      .map((v) => literal(v))
      .join(' | '),
  };
}

function attributesInterface(
  resource: ResourceModel,
  suffix: string,
  fields: readonly FieldModel[],
  description: string,
): InterfaceDeclarationStructure {
  const properties: OptionalKind<PropertySignatureStructure>[] = fields.map((f) => ({
    name: propertyKey(f.name),
    type: inputType(resource, f),
    hasQuestionToken: true,
    isReadonly: true,
    docs: [fieldDoc(f)],
  }));
  return {
    kind: StructureKind.Interface,
    name: `${resource.name}${suffix}`,
    isExported: true,
    docs: [doc({ description })],
    properties,
    ...(resource.keepUnknown
      ? {
          indexSignatures: [
            {
              keyName: 'key',
              keyType: 'string',
              returnType: 'unknown',
              docs: [doc({ description: 'Attributes the spec does not declare are sent as they are.' })],
            },
          ],
        }
      : {}),
  };
}

function operationExpr(op: OperationModel, path: string, id: string, detail = false): string {
  const parts = [`id: ${literal(id)}`, `method: ${literal(op.method)}`, `path: ${literal(path)}`];
  if (op.minVersion) parts.push(`minVersion: ${literal(op.minVersion)}`);
  if (op.maxVersion) parts.push(`maxVersion: ${literal(op.maxVersion)}`);
  if (op.base === 'version') parts.push(`base: 'version'`);
  if (op.bareResponse) parts.push('bareResponse: true');
  if (op.fallback) {
    const { status, message, method, path: fallbackPath } = op.fallback;
    parts.push(
      `fallback: { status: ${status}, message: ${literal(message)}, method: ${literal(method)}, path: ${literal(fallbackPath)} }`,
    );
  }
  if (op.routes.length > 0) {
    const routes = op.routes.map((r) => {
      const rp = [`method: ${literal(r.method)}`, `path: ${literal(detail ? (r.detailPath ?? r.path) : r.path)}`];
      if (r.minVersion) rp.push(`minVersion: ${literal(r.minVersion)}`);
      if (r.maxVersion) rp.push(`maxVersion: ${literal(r.maxVersion)}`);
      return `{ ${rp.join(', ')} }`;
    });
    parts.push(`routes: [${routes.join(', ')}]`);
  }
  return `{ ${parts.join(', ')} }`;
}

/**
 * The module-private constant holding one operation: what method functions and the schema refer
 * to, so that a bundle keeps only the operations its calls use (an object of all of them cannot
 * be split by a bundler).
 */
export function operationConstName(resource: ResourceModel, name: string): string {
  return `${lowerFirst(operationsConstName(resource))}${upperFirst(name)}`;
}

function operationsConst(resource: ResourceModel, uses: Uses): StatementStructures[] {
  uses.type('Operation');
  const entries: string[] = [];
  const consts: StatementStructures[] = [];
  const add = (key: string, description: string, expr: string): void => {
    const name = operationConstName(resource, key);
    const text = description.replace(/\*\//g, '*\\/').replace(/\s*\n\s*/g, ' ');
    consts.push({
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name, initializer: `${expr} as const satisfies Operation` }],
    });
    entries.push(`/** ${text} */\n${propertyKey(key)}: ${name},`);
  };
  for (const op of resource.operations) {
    add(op.name, op.description, operationExpr(op, op.path, op.id));
    if (op.detailPath) {
      add(
        `${op.name}Detail`,
        `${op.description} (with details)`,
        operationExpr(op, op.detailPath, `${op.id}.detail`, true),
      );
    }
  }
  return [
    ...consts,
    {
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      isExported: true,
      docs: [
        doc({
          description: `The wire operations of {@link ${resource.name}}: method, path and microversion bounds of each request.`,
        }),
      ],
      declarations: [
        {
          name: operationsConstName(resource),
          initializer: `{\n${entries.join('\n')}\n} as const satisfies Readonly<Record<string, Operation>>`,
        },
      ],
    },
  ];
}

function resourceClass(resource: ResourceModel, uses: Uses): ClassDeclarationStructure {
  uses.value('Resource');
  uses.type('ResourceSchema');
  const schemaParts = [`name: ${literal(resource.name)}`];
  if (resource.resourceKey) schemaParts.push(`resourceKey: ${literal(resource.resourceKey)}`);
  if (resource.resourcesKey) schemaParts.push(`resourcesKey: ${literal(resource.resourcesKey)}`);
  if (resource.idField !== 'id') schemaParts.push(`idField: ${literal(resource.idField)}`);
  if (resource.nameField !== 'name') schemaParts.push(`nameField: ${literal(resource.nameField)}`);
  if (resource.keepUnknown) schemaParts.push('keepUnknown: true');
  if (resource.quotaUsage) schemaParts.push('quotaUsage: true');
  schemaParts.push(`fields: ${fieldsObject(resource.fields, true)}`);
  if (resource.status) {
    const s = resource.status;
    const st = [`field: ${literal(s.field)}`, `failures: ${literal([...s.failures])}`];
    if (s.deleted.length > 0) st.push(`deleted: ${literal([...s.deleted])}`);
    if (s.progress) st.push(`progress: ${literal(s.progress)}`);
    schemaParts.push(`status: { ${st.join(', ')} }`);
  }
  if (resource.pathParams.size > 0) {
    schemaParts.push(
      `paths: { ${[...resource.pathParams].map(([k, v]) => `${propertyKey(k)}: ${literal(v.field)}`).join(', ')} }`,
    );
  }
  const get = resource.operations.find((o) => o.kind === 'get');
  if (get) schemaParts.push(`fetch: ${operationConstName(resource, get.name)}`);

  return {
    kind: StructureKind.Class,
    name: resource.name,
    isExported: true,
    extends: 'Resource',
    docs: [doc({ description: resource.description, remarks: `Spec: ${resource.file}` })],
    properties: [
      {
        name: 'schema',
        isStatic: true,
        isReadonly: true,
        hasOverrideKeyword: true,
        type: 'ResourceSchema',
        initializer: `{\n${schemaParts.join(',\n')}\n}`,
        docs: [doc({ description: 'How this resource looks on the wire.' })],
      },
    ],
    ctors: [
      {
        // An instance the caller builds stands for an existing resource, so it has its ID (the
        // type says so); a new one is created from plain attributes.
        parameters: savedIdField(resource)
          ? [
              {
                name: 'attrs',
                type: `${resource.name}Attributes & { readonly ${propertyKey(savedIdField(resource)!.name)}: string }`,
              },
            ]
          : [{ name: 'attrs', type: `${resource.name}Attributes`, hasQuestionToken: true }],
        statements: ['super(attrs);'],
        docs: [
          doc({
            description: savedIdField(resource)
              ? `Refers to an existing ${resource.name} by its ID; other attributes given count as changed (an update sends them). To create one, pass plain attributes to the create call.`
              : `Builds a ${resource.name} from attributes; every attribute given counts as changed.`,
          }),
        ],
      },
    ],
  };
}

/**
 * The ID field, when the resource is addressed by it (it fills the path of its own operations):
 * the server always sends it, so what the SDK reads has it.
 */
export function savedIdField(resource: ResourceModel): FieldModel | undefined {
  const id = resource.fields.find((f) => f.name === resource.idField);
  if (id?.type.kind !== 'scalar' || id.type.name !== 'string') return undefined;
  return [...resource.pathParams.values()].some((p) => p.field === id.name) ? id : undefined;
}

/**
 * The fields of a resource, merged into its class: own enumerable properties of every instance
 * (the runtime sets them from the schema), so a resource spreads, clones and serialises as the
 * data it is. Those that cannot be sent are readonly.
 */
function fieldProperties(resource: ResourceModel): InterfaceDeclarationStructure {
  const id = savedIdField(resource);
  return {
    kind: StructureKind.Interface,
    name: resource.name,
    isExported: true,
    docs: [
      doc({
        description: `The fields of a {@link ${resource.name}}, converted from the wire: own properties of the instance; those that can be sent are writable.`,
      }),
    ],
    properties: resource.fields.map((f) => ({
      name: propertyKey(f.name),
      type: fieldType(resource, f).replace(/^readonly /, f.create || f.update ? '' : 'readonly '),
      hasQuestionToken: f !== id,
      isReadonly: !(f.create || f.update),
      docs: [fieldDoc(f)],
    })),
  };
}

function optionsInterface(
  spec: { readonly name: string; readonly extendsType: string; readonly members: readonly ProxyParam[] },
  uses: Uses,
): InterfaceDeclarationStructure {
  uses.type(spec.extendsType);
  const mentions = new Set<string>();
  return {
    kind: StructureKind.Interface,
    name: spec.name,
    isExported: true,
    extends: [spec.extendsType],
    docs: [doc({ description: `Options of \`${lowerFirst(spec.name.replace(/Options$/, ''))}\`.` })],
    properties: spec.members.map((m) => ({
      name: propertyKey(m.name),
      type: paramType(m, mentions),
      hasQuestionToken: true,
      isReadonly: true,
      docs: [doc({ description: m.description, remarks: defaultRemark(m) })],
    })),
  };
}

function defaultRemark(m: ProxyParam): string | undefined {
  if (m.role.kind === 'details' || m.role.kind === 'ignoreMissing') return `Default: ${String(m.role.default)}.`;
  if (m.role.kind === 'arg' && m.role.arg.default !== undefined) return `Default: ${literal(m.role.arg.default)}.`;
  return undefined;
}

function methodFunction(
  resource: ResourceModel,
  method: ProxyMethodModel,
  params: readonly EmittedParam[],
  returnType: string,
  overloads: readonly { params: readonly EmittedParam[]; returnType: string }[],
  uses: Uses,
): FunctionDeclarationStructure {
  const isList = method.kind === 'list';
  const statements = new MethodBody(resource, method, uses).render();
  const toParam = (
    p: EmittedParam,
  ): { name: string; type: string; hasQuestionToken: boolean; initializer?: string } => ({
    name: p.name,
    type: p.type,
    hasQuestionToken: p.optional && p.initializer === undefined,
    ...(p.initializer !== undefined ? { initializer: p.initializer } : {}),
  });
  if (isList) uses.value('Paginated');
  for (const p of params) if (p.type === 'RequestOptions' || p.type === 'ListOptions') uses.type(p.type);
  return {
    kind: StructureKind.Function,
    name: method.name,
    isExported: true,
    isAsync: !isList,
    returnType,
    docs: [
      doc({
        description: method.description,
        params: [
          { name: 'client', description: 'The service client (a session or connection proxy).' },
          ...params.map((p) => ({ name: p.name, description: p.description })),
        ],
        returns: returnsText(method),
        deprecated: method.deprecated,
      }),
    ],
    parameters: [{ name: 'client', type: 'ServiceClient' }, ...params.map(toParam)],
    overloads: overloads.map((o) => ({
      parameters: [{ name: 'client', type: 'ServiceClient' }, ...o.params.map(toParam)],
      returnType: o.returnType,
      docs: [],
    })),
    statements,
  };
}

/** `key: value` in an object literal, or just `key` when the value is the variable of that name. */
function property(key: string, value: string): string {
  const name = propertyKey(key);
  return name === value ? name : `${name}: ${value}`;
}

/** Writes the body of one method function. */
class MethodBody {
  private readonly lines: string[] = [];
  private readonly ops: ReadonlyMap<string, OperationModel>;

  constructor(
    private readonly resource: ResourceModel,
    private readonly method: ProxyMethodModel,
    private readonly uses: Uses,
  ) {
    this.ops = new Map(resource.operations.map((o) => [o.name, o]));
  }

  private op(name: string): OperationModel {
    return this.ops.get(name)!;
  }

  private opRef(name: string, detail = false): string {
    return operationConstName(this.resource, `${name}${detail ? 'Detail' : ''}`);
  }

  render(): string[] {
    const m = this.method;
    this.destructureOptions();
    this.validateArgs();
    switch (m.kind) {
      case 'list':
        this.list();
        break;
      case 'find':
        this.find();
        break;
      case 'get':
        this.get();
        break;
      case 'create':
        this.create();
        break;
      case 'update':
        this.update();
        break;
      case 'delete':
      case 'call':
        this.calls();
        break;
      default:
        break;
    }
    return this.lines;
  }

  private optionParams(): ProxyParam[] {
    return this.method.params.filter((p) => !p.positional && !(p.role.kind === 'target' && p.optional));
  }

  private destructureOptions(): void {
    const members = this.optionParams();
    if (members.length === 0) return;
    const parts = members.map((p) => {
      const def =
        p.role.kind === 'details' || p.role.kind === 'ignoreMissing'
          ? String(p.role.default)
          : p.role.kind === 'arg' && p.role.arg.default !== undefined
            ? literal(p.role.arg.default)
            : undefined;
      return def !== undefined ? `${p.name} = ${def}` : p.name;
    });
    this.lines.push(`const { ${parts.join(', ')} } = options;`);
  }

  /**
   * Arguments are checked up front so a wrong one fails before any request: one `checkArgs` call
   * with the method's table (name → type, or type with `required` and `enum`). Options are read
   * from the options object itself; positional arguments are listed beside it, after it, so that an
   * options member of the same name cannot stand in for them.
   */
  private validateArgs(): void {
    const rules: string[] = [];
    const positional: string[] = [];
    let fromOptions = false;
    for (const p of this.method.params) {
      let type: string;
      let enumValues: readonly string[] | undefined;
      if (p.role.kind === 'arg' && !p.role.arg.ref) {
        type = fieldTypeExpr(p.role.arg.type);
        enumValues = p.role.arg.enum;
      } else if (p.role.kind === 'extra') {
        type = fieldTypeExpr(p.role.type);
      } else continue;
      if (p.positional) positional.push(p.name);
      else fromOptions = true;
      const constraints = [
        ...(p.positional ? ['required: true'] : []),
        ...(enumValues ? [`enum: ${literal([...enumValues])}`] : []),
      ];
      rules.push(property(p.name, constraints.length > 0 ? `{ type: ${type}, ${constraints.join(', ')} }` : type));
    }
    if (rules.length === 0) return;
    const values =
      positional.length === 0 ? 'options' : `{ ${[...(fromOptions ? ['...options'] : []), ...positional].join(', ')} }`;
    this.lines.push(`${this.uses.value('checkArgs')}(${values}, { ${rules.join(', ')} });`);
  }

  private targetParam(): ProxyParam | undefined {
    return this.method.params.find((p) => p.role.kind === 'target');
  }

  /** `const target = toTarget(Volume, volume, 'volume');` when the method has a target. */
  private target(): string | undefined {
    const p = this.targetParam();
    if (!p || p.role.kind !== 'target') return undefined;
    this.uses.value('toTarget');
    const opts: string[] = [];
    if (p.role.instanceOnly) opts.push('instanceOnly: true');
    if (p.role.parent) {
      this.uses.resourceValues.add(p.role.parent.resource);
      opts.push(`parent: { resource: ${p.role.parent.resource}, field: ${literal(p.role.parent.field)} }`);
    }
    this.lines.push(
      `const target = toTarget(${this.resource.name}, ${p.name}, ${literal(p.name)}${opts.length > 0 ? `, { ${opts.join(', ')} }` : ''});`,
    );
    return 'target';
  }

  private argValue(arg: ArgModel, name: string): string {
    if (arg.ref) {
      const optional = !this.method.params.find((p) => p.name === name)?.positional;
      return `${this.uses.value(optional ? 'optionalRefId' : 'refId')}(${name}, ${literal(name)})`;
    }
    return name;
  }

  /** `{ wire: value, … }` for the query arguments of an operation. */
  private queryExpr(op: OperationModel): string | undefined {
    const entries = op.args
      .filter((a) => a.in === 'query')
      .filter((a) => this.method.params.some((p) => p.name === a.name) || a.default !== undefined)
      .map((a) => {
        const given = this.method.params.some((p) => p.name === a.name);
        return property(a.wire, given ? this.argValue(a, a.name) : literal(a.default));
      });
    return entries.length > 0 ? `{ ${entries.join(', ')} }` : undefined;
  }

  private pathExpr(op: OperationModel, loopVar?: { as: string; value: string }): string | undefined {
    const entries = op.args
      .filter((a) => a.in === 'path')
      .map((a) => property(a.wire, loopVar && loopVar.as === a.name ? loopVar.value : this.argValue(a, a.name)));
    return entries.length > 0 ? `{ ${entries.join(', ')} }` : undefined;
  }

  private requiresExpr(op: OperationModel): string | undefined {
    const entries = op.args
      .filter((a) => a.minVersion && this.method.params.some((p) => p.name === a.name))
      .map((a) => `${a.name} === undefined ? undefined : ${literal(a.minVersion)}`);
    return entries.length > 0 ? `[${entries.join(', ')}]` : undefined;
  }

  /** Arguments that stop at a microversion cap the version when they are given. */
  private capsExpr(op: OperationModel): string | undefined {
    const entries = op.args
      .filter((a) => a.maxVersion && this.method.params.some((p) => p.name === a.name))
      .map((a) => `${a.name} === undefined ? undefined : ${literal(a.maxVersion)}`);
    return entries.length > 0 ? `[${entries.join(', ')}]` : undefined;
  }

  private bodyExpr(body: BodyTemplate, loopVar?: { as: string; value: string }): string {
    switch (body.kind) {
      case 'literal':
        return literal(body.value);
      case 'arg': {
        if (loopVar && loopVar.as === body.name) return loopVar.value;
        const arg = this.allArgs().find((a) => a.name === body.name)!;
        return this.argValue(arg, body.name);
      }
      case 'self':
        return `target.${body.field}`;
      case 'object':
        return `{ ${body.entries
          .map(([k, v, key]) => {
            const name = key
              ? `[${
                  loopVar && loopVar.as === key.arg
                    ? loopVar.value
                    : this.argValue(
                        this.allArgs().find((a) => a.name === key.arg)!,
                        key.arg,
                      )
                }]`
              : undefined;
            return name ? `${name}: ${this.bodyExpr(v, loopVar)}` : property(k, this.bodyExpr(v, loopVar));
          })
          .join(', ')} }`;
      case 'array':
        return `[${body.items.map((v) => this.bodyExpr(v, loopVar)).join(', ')}]`;
    }
  }

  private allArgs(): ArgModel[] {
    return this.method.params.flatMap((p) => (p.role.kind === 'arg' ? [p.role.arg] : []));
  }

  private callInput(op: OperationModel, target: string | undefined, loopVar?: { as: string; value: string }): string {
    const parts: string[] = [];
    if (target) parts.push('target');
    const path = this.pathExpr(op, loopVar);
    if (path) parts.push(`path: ${path}`);
    const query = this.queryExpr(op);
    if (query) parts.push(`query: ${query}`);
    if (op.body && op.body !== 'resource') parts.push(`body: ${this.bodyExpr(op.body, loopVar)}`);
    const requires = this.requiresExpr(op);
    if (requires) parts.push(`requires: ${requires}`);
    const caps = this.capsExpr(op);
    if (caps) parts.push(`caps: ${caps}`);
    return `{ ${parts.join(', ')} }`;
  }

  private list(): void {
    const op = this.op(this.method.plan!.operation);
    const details = this.method.params.some((p) => p.role.kind === 'details');
    const opExpr = details ? `details ? ${this.opRef(op.name, true)} : ${this.opRef(op.name)}` : this.opRef(op.name);
    const owner = op.response.kind === 'resource' ? op.response.resource : this.resource.name;
    if (owner !== this.resource.name) this.uses.resourceValues.add(owner);
    this.uses.value('listResources');
    const query = this.queryExpr(op);
    const input = [...(query ? [`query: ${query}`] : []), `paginated: ${String(op.paginated)}`];
    const limit = op.args.find((a) => a.in === 'query' && a.wire === 'limit');
    if (limit && op.paginated)
      input.push(`pageSize: ${limit.minVersion ? `{ minVersion: ${literal(limit.minVersion)} }` : 'true'}`);
    const path = this.pathExpr(op);
    if (path) input.unshift(`path: ${path}`);
    const requires = this.requiresExpr(op);
    if (requires) input.push(`requires: ${requires}`);
    this.lines.push(`return listResources(client, ${owner}, ${opExpr}, { ${input.join(', ')} }, options);`);
  }

  private find(): void {
    const f = this.method.find!;
    const list = this.op(f.list);
    const details = this.method.params.some((p) => p.role.kind === 'details');
    const listExpr = details
      ? `details ? ${this.opRef(list.name, true)} : ${this.opRef(list.name)}`
      : this.opRef(list.name);
    const nameWire = this.resource.fields.find((x) => x.name === this.resource.nameField)?.wire ?? 'name';
    this.uses.value('findResource');
    const plan = [
      ...(f.get ? [`get: ${this.opRef(f.get)}`] : []),
      `list: ${listExpr}`,
      `nameFilter: ${literal(f.nameFilter)}`,
      `nameWire: ${literal(nameWire)}`,
      `paginated: ${String(list.paginated)}`,
    ];
    const queryArgs = this.method.params.filter((p) => p.role.kind === 'arg' && p.role.arg.in === 'query');
    const query = queryArgs
      .map((p) => (p.role.kind === 'arg' ? property(p.role.arg.wire, this.argValue(p.role.arg, p.name)) : ''))
      .join(', ');
    const input = [...(query ? [`query: { ${query} }`] : []), 'ignoreMissing'];
    const path = this.pathExpr(list);
    if (path) input.unshift(`path: ${path}`);
    this.lines.push(
      `return findResource(client, ${this.resource.name}, { ${plan.join(', ')} }, nameOrId, { ${input.join(', ')} }, options);`,
    );
  }

  private get(): void {
    const op = this.op(this.method.plan!.operation);
    const target = this.target();
    this.uses.value('fetchResource');
    const requires = this.requiresExpr(op);
    this.lines.push(
      `return fetchResource(client, ${this.resource.name}, ${this.opRef(op.name)}, ${target ?? `new ${this.resource.name}()`}, ${this.queryExpr(op) ?? 'undefined'}, options${requires ? `, ${requires}` : ''});`,
    );
  }

  private create(): void {
    const op = this.op(this.method.plan!.operation);
    const target = this.target();
    this.uses.value('createResource');
    this.lines.push(
      `return createResource(client, ${this.resource.name}, ${this.opRef(op.name)}, attrs, ${target ?? 'undefined'}, options);`,
    );
  }

  private update(): void {
    const op = this.op(this.method.plan!.operation);
    const target = this.target();
    this.uses.value('updateResource');
    this.lines.push(`return updateResource(client, ${this.opRef(op.name)}, ${target!}, attrs, options);`);
  }

  /** delete and generic calls: switch alternatives first, then the default plan. */
  private calls(): void {
    const target = this.target();
    for (const s of this.method.switches) {
      const param = this.method.params.find((p) => p.name === s.if)!;
      const isBool =
        (param.role.kind === 'extra' && param.role.type.kind === 'scalar' && param.role.type.name === 'boolean') ||
        (param.role.kind === 'arg' && param.role.arg.type.kind === 'scalar' && param.role.arg.type.name === 'boolean');
      const given = isBool ? s.if : `${s.if} !== undefined`;
      // A version-bound alternative: only when the default operation would be sent at such a version.
      const bounds = [
        ...(s.minVersion ? [`minVersion: ${literal(s.minVersion)}`] : []),
        ...(s.maxVersion ? [`maxVersion: ${literal(s.maxVersion)}`] : []),
      ];
      const inRange =
        bounds.length > 0
          ? ` && ${this.uses.value('withinBounds')}(await client.negotiate(${this.opRef(this.method.plan!.operation)}, undefined, options), { ${bounds.join(', ')} })`
          : '';
      this.lines.push(`if (${given}${inRange}) {`);
      this.plan(s, target);
      if (this.method.returns.kind === 'void') this.lines.push('return;');
      this.lines.push('}');
    }
    this.plan(this.method.plan!, target);
  }

  private plan(plan: CallPlan, target: string | undefined): void {
    const op = this.op(plan.operation);
    const ignore = this.method.params.some((p) => p.role.kind === 'ignoreMissing');
    const send = (input: string): string =>
      ignore
        ? `await ${this.uses.value('deleteResource')}(client, ${this.opRef(op.name)}, ${input}, ignoreMissing, options);`
        : `await ${this.uses.value('callOperation')}(client, ${this.opRef(op.name)}, ${input}, options);`;
    if (plan.forEach) {
      const fe = plan.forEach;
      let items = fe.param;
      if (fe.fromField) {
        const get = this.resource.operations.find((o) => o.kind === 'get')!;
        this.uses.value('fetchResource');
        items = `${fe.param} ?? Object.keys((await fetchResource(client, ${this.resource.name}, ${this.opRef(get.name)}, ${target!}, undefined, options)).${fe.fromField} ?? {})`;
      }
      this.lines.push(`for (const item of ${items}) {`);
      this.lines.push(send(this.callInput(op, target, { as: fe.as, value: 'item' })));
      this.lines.push('}');
      return;
    }
    const input = this.callInput(op, target);
    const response = op.response;
    if (this.method.kind === 'delete' || response.kind === 'none') {
      this.lines.push(send(input));
      return;
    }
    this.uses.value('callOperation');
    this.lines.push(`const response = await callOperation(client, ${this.opRef(op.name)}, ${input}, options);`);
    switch (response.kind) {
      case 'resource': {
        this.uses.value('readResource');
        if (response.resource !== this.resource.name) this.uses.resourceValues.add(response.resource);
        this.lines.push(
          `return readResource(${response.resource}, response${response.key ? `, ${literal(response.key)}` : ''});`,
        );
        break;
      }
      case 'merge':
        this.uses.value('mergeInto');
        this.lines.push(`return mergeInto(${target ?? `new ${this.resource.name}()`}, response);`);
        break;
      case 'value': {
        this.uses.value('readValue');
        // A key path is an array of literal keys and argument values: ['meta', key].
        const key = response.keyPath
          ? `[${response.keyPath.map((k) => ('arg' in k ? k.arg : literal(k.literal))).join(', ')}]`
          : response.keyArg
            ? response.keyArg
            : response.key
              ? literal(response.key)
              : 'undefined';
        this.lines.push(
          `return readValue<${tsType(response.type)}>(response, ${fieldTypeExpr(response.type)}, ${key}, ${literal(op.id)});`,
        );
        break;
      }
    }
  }
}
