/**
 * The Proxy class of a service version (`BlockStorageV2`): one method per proxy method of the
 * spec, each a one-line delegation to the standalone function of the resource module, plus the
 * generic waiters. It holds the ServiceClient; nothing else.
 */
import type { MethodDeclarationStructure, OptionalKind, StatementStructures } from 'ts-morph';
import { StructureKind } from './ts-morph.js';
import type { ProxyMethodModel, ResourceModel, ServiceModel } from '../model/types.js';
import { doc, returnsText } from './docs.js';
import { literal } from './render.js';
import { methodSignature, type EmittedParam } from './signature.js';

export function emitProxyModule(
  service: ServiceModel,
  modulePath: (resource: string) => string,
): StatementStructures[] {
  const methods: OptionalKind<MethodDeclarationStructure>[] = [];
  const imports = new Map<string, { values: Set<string>; types: Set<string> }>();
  const need = (module: string, name: string, typeOnly: boolean): void => {
    const entry = imports.get(module) ?? { values: new Set<string>(), types: new Set<string>() };
    (typeOnly ? entry.types : entry.values).add(name);
    imports.set(module, entry);
  };
  const runtime = '../../../runtime/index.js';
  need(runtime, 'ServiceClient', true);
  need(runtime, 'ServiceVersionDescriptor', true);

  const all = service.resources.flatMap((r) => r.methods.map((m) => ({ resource: r, method: m })));
  for (const { resource, method } of all.sort((a, b) => a.method.name.localeCompare(b.method.name))) {
    const sig = methodSignature(service, resource, method);
    const module = modulePath(resource.name);
    need(module, method.name, false);
    for (const name of sig.mentions) {
      const owner = service.resources.find((r) => r.name === name);
      if (owner) need(modulePath(owner.name), name, true);
    }
    if (sig.optionsInterface) need(module, sig.optionsInterface.name, true);
    for (const local of sig.localTypes) need(module, local, true);
    if (sig.returnType.startsWith('Paginated')) need(runtime, 'Paginated', true);
    for (const base of ['RequestOptions', 'ListOptions'])
      if (sig.params.some((p) => p.type === base)) need(runtime, base, true);
    const toParam = (
      p: EmittedParam,
    ): { name: string; type: string; hasQuestionToken: boolean; initializer?: string } => ({
      name: p.name,
      type: p.type,
      hasQuestionToken: p.optional && p.initializer === undefined,
      ...(p.initializer !== undefined ? { initializer: p.initializer } : {}),
    });
    const args = ['this.client', ...sig.params.map((p) => p.name)].join(', ');
    methods.push({
      name: method.name,
      returnType: sig.returnType,
      parameters: sig.params.map(toParam),
      overloads: sig.overloads.map((o) => ({
        parameters: o.params.map(toParam),
        returnType: o.returnType,
        docs: overloadDocs(method, o.params, resource),
      })),
      statements: [`return ${method.name}(${args});`],
      docs: sig.overloads.length > 0 ? [] : [methodDoc(method, sig.params, resource)],
    });
  }
  for (const helper of service.helpers) {
    methods.push(waiter(helper));
    need(runtime, helper.kind === 'waitStatus' ? 'waitForStatus' : 'waitForDelete', false);
    need(runtime, helper.kind === 'waitStatus' ? 'WaitForStatusOptions' : 'WaitOptions', true);
    if (helper.kind === 'waitStatus') {
      need(runtime, 'StatusTarget', true);
      need(runtime, 'WaitForStatusOptionsOf', true);
    }
    need(runtime, 'Resource', true);
    need(runtime, 'ResourceClass', true);
  }
  methods.sort((a, b) => a.name.localeCompare(b.name));

  const descriptor = [
    `serviceType: ${literal(service.serviceType)}`,
    `aliases: ${literal([...service.aliases])}`,
    `version: ${literal(service.version)}`,
    `endpointVersions: ${literal([...service.endpointVersions])}`,
    ...(service.microversion
      ? [
          `microversion: { headerService: ${literal(service.microversion.headerService)}, min: ${literal(service.microversion.min)}, max: ${literal(service.microversion.max)} }`,
        ]
      : []),
  ];
  const statements: StatementStructures[] = [];
  for (const [module, { values, types }] of [...imports].sort(([a], [b]) =>
    a === runtime ? -1 : b === runtime ? 1 : a.localeCompare(b),
  )) {
    const named = [
      ...[...values].sort().map((name) => ({ name })),
      ...[...types]
        .filter((t) => !values.has(t))
        .sort()
        .map((name) => ({ name, isTypeOnly: true })),
    ];
    statements.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: module, namedImports: named });
  }
  statements.push({
    kind: StructureKind.Class,
    name: service.className,
    isExported: true,
    docs: [doc({ description: service.description, remarks: `Spec: ${service.specDir}/` })],
    properties: [
      {
        name: 'service',
        isStatic: true,
        isReadonly: true,
        type: 'ServiceVersionDescriptor',
        initializer: `{ ${descriptor.join(', ')} }`,
        docs: [
          doc({
            description: 'What this proxy implements: connect() matches it against the catalog and version discovery.',
          }),
        ],
      },
      {
        name: 'client',
        isReadonly: true,
        type: 'ServiceClient',
        docs: [doc({ description: 'The client every call goes through.' })],
      },
    ],
    ctors: [{ parameters: [{ name: 'client', type: 'ServiceClient' }], statements: ['this.client = client;'] }],
    methods,
  });
  return statements;
}

function methodDoc(method: ProxyMethodModel, params: readonly EmittedParam[], resource: ResourceModel): string {
  return doc({
    description: method.description,
    params: params.map((p) => ({ name: p.name, description: p.description })),
    returns: returnsText(method),
    deprecated: method.deprecated,
    remarks: policyRemark(method, resource),
  });
}

/**
 * Who may call it, when Cinder's default policy admits administrators only (the spec's `policy`):
 * the one fact a caller cannot see from the signature. Member-level rules are everyone's.
 */
function policyRemark(method: ProxyMethodModel, resource: ResourceModel): string | undefined {
  const names = [method.plan?.operation, method.find?.list, method.find?.get].filter((n) => n !== undefined);
  const policy = resource.operations.find((o) => o.name === names[0])?.policy;
  if (policy?.allows !== 'admin') return undefined;
  return `Administrators only by Cinder's default policy (\`${policy.rule}\`): other callers get a ForbiddenError (403).`;
}

function overloadDocs(method: ProxyMethodModel, params: readonly EmittedParam[], resource: ResourceModel): string[] {
  return [methodDoc(method, params, resource)];
}

function waiter(helper: ProxyMethodModel): OptionalKind<MethodDeclarationStructure> {
  // Each waiter takes the resource, or its class and ID (overloads); the runtime tells them apart.
  const byId = {
    name: 'id',
    description: 'With a resource class first: the ID of the resource to wait on.',
  };
  const typeParam = {
    name: 'type',
    description: 'A resource class (`Volume`), when the resource is given by `id`.',
  };
  if (helper.kind === 'waitStatus') {
    // O carries `attribute`: waiting on another field takes any string (StatusTarget).
    const typeParameters = [
      { name: 'T', constraint: 'Resource' },
      { name: 'O', constraint: 'WaitForStatusOptions', default: 'WaitForStatusOptions' },
    ];
    const statusParam = { name: 'status', type: 'StatusTarget<T, O>', hasQuestionToken: true };
    const optionsParam = { name: 'options', type: 'WaitForStatusOptionsOf<T, O>', hasQuestionToken: true };
    const throws = [
      { name: 'ResourceTimeoutError', description: 'when the status is not reached in time.' },
      { name: 'ResourceFailureError', description: 'when the resource reaches a failure state or goes away.' },
    ];
    const params = [
      {
        name: 'status',
        description:
          "The status to reach (default available): one the resource is known to take (its spec's `status.values`), any string with `options.attribute`.",
      },
      {
        name: 'options',
        description:
          'interval, wait (seconds, default 600; `Infinity` waits for ever), failures (known statuses of the resource), attribute, callback, signal.',
      },
    ];
    return {
      name: helper.name,
      parameters: [{ name: 'args', isRestParameter: true, type: 'readonly unknown[]' }],
      returnType: 'Promise<Resource>',
      statements: [
        '// The overloads above are the contract; the runtime checks what it is given.',
        'return (waitForStatus as (client: ServiceClient, ...rest: readonly unknown[]) => Promise<Resource>)(this.client, ...args);',
      ],
      overloads: [
        {
          typeParameters,
          returnType: 'Promise<T>',
          parameters: [{ name: 'resource', type: 'T' }, statusParam, optionsParam],
          docs: [
            doc({
              description: helper.description,
              params: [
                { name: 'resource', description: 'The resource to wait on (as returned by the API).' },
                ...params,
              ],
              returns: 'The resource as last fetched, in the wanted status.',
              throws,
            }),
          ],
        },
        {
          typeParameters,
          returnType: 'Promise<T>',
          parameters: [
            { name: 'type', type: 'ResourceClass<T>' },
            { name: 'id', type: 'string' },
            statusParam,
            optionsParam,
          ],
          docs: [
            doc({
              description: `${helper.description} This form takes the resource's class and ID: \`waitForStatus(Volume, id, 'available')\`.`,
              params: [typeParam, byId, ...params],
              returns: 'The resource as last fetched, in the wanted status.',
              throws,
            }),
          ],
        },
      ],
    };
  }
  const params = [
    {
      name: 'options',
      description: 'interval, wait (seconds, default 120; `Infinity` waits for ever), callback, signal.',
    },
  ];
  const returns = 'The resource.';
  const throws = [{ name: 'ResourceTimeoutError', description: 'when it still exists after `wait` seconds.' }];
  return {
    name: helper.name,
    parameters: [{ name: 'args', isRestParameter: true, type: 'readonly unknown[]' }],
    returnType: 'Promise<Resource>',
    statements: [
      '// The overloads above are the contract; the runtime checks what it is given.',
      'return (waitForDelete as (client: ServiceClient, ...rest: readonly unknown[]) => Promise<Resource>)(this.client, ...args);',
    ],
    overloads: [
      {
        typeParameters: [{ name: 'T', constraint: 'Resource' }],
        returnType: 'Promise<T>',
        parameters: [
          { name: 'resource', type: 'T' },
          { name: 'options', type: 'WaitOptions', hasQuestionToken: true },
        ],
        docs: [
          doc({
            description: helper.description,
            params: [{ name: 'resource', description: 'The resource to wait on.' }, ...params],
            returns,
            throws,
          }),
        ],
      },
      {
        typeParameters: [{ name: 'T', constraint: 'Resource' }],
        returnType: 'Promise<T>',
        parameters: [
          { name: 'type', type: 'ResourceClass<T>' },
          { name: 'id', type: 'string' },
          { name: 'options', type: 'WaitOptions', hasQuestionToken: true },
        ],
        docs: [
          doc({
            description: `${helper.description} This form takes the resource's class and ID: \`waitForDelete(Volume, id)\`.`,
            params: [typeParam, byId, ...params],
            returns,
            throws,
          }),
        ],
      },
    ],
  };
}
