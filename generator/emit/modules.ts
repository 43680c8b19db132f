/**
 * The SDK's TypeScript modules, from ts-morph structures printed straight to text (no in-memory
 * project, nothing parsed back): one module per resource, then per version the proxy and the
 * index, per service family its index, and the package entry. Loaded by the pipeline after the
 * template-only files are out, because loading ts-morph (the TypeScript compiler) takes a quarter
 * of a second that formatting can overlap.
 */
import path from 'node:path';
import type { ExportDeclarationStructure, ImportDeclarationStructure, StatementStructures } from 'ts-morph';
import { StructureKind, printStructure } from './ts-morph.js';
import type { ServiceModel, SpecModel } from '../model/types.js';
import { banner, moduleName } from './naming.js';
import { emitProxyModule } from './proxy-module.js';
import { literal } from './render.js';
import { emitResourceModule, statusTypeName } from './resource-module.js';
import { methodSignature } from './signature.js';

/** ts-morph's printer in the house style (prettier reformats anyway; this keeps its work small). */
const PRINT_OPTIONS = { indentNumberOfSpaces: 2, useSingleQuote: true } as const;

/** `index.ts` of a version: explicit named exports of everything public. */
function indexModule(service: ServiceModel, modulePath: (name: string) => string): StatementStructures[] {
  const statements: StatementStructures[] = [
    {
      kind: StructureKind.ExportDeclaration,
      moduleSpecifier: './proxy.js',
      namedExports: [{ name: service.className }],
    },
  ];
  for (const resource of service.resources) {
    const values = new Set<string>([resource.name, `${resource.name}Operations`]);
    const types = new Set<string>([`${resource.name}Attributes`]);
    const status = statusTypeName(resource);
    if (status) types.add(status);
    if (resource.methods.some((m) => m.kind === 'create')) types.add(`${resource.name}Create`);
    if (resource.methods.some((m) => m.kind === 'update')) types.add(`${resource.name}Update`);
    for (const s of resource.structs) {
      types.add(s.name);
      values.add(`${s.name}Schema`);
    }
    for (const m of resource.methods) {
      values.add(m.name);
      const sig = methodSignature(service, resource, m);
      if (sig.optionsInterface) types.add(sig.optionsInterface.name);
    }
    statements.push({
      kind: StructureKind.ExportDeclaration,
      moduleSpecifier: modulePath(resource.name),
      namedExports: [
        ...[...values].sort().map((name) => ({ name })),
        ...[...types].sort().map((name) => ({ name, isTypeOnly: true })),
      ],
    });
  }
  return statements;
}

/** `generated/<service>/index.ts`: the versions this build contains, for connect(). */
function familyModule(services: readonly ServiceModel[]): StatementStructures[] {
  const sorted = [...services].sort((a, b) => Number(b.version) - Number(a.version));
  const first = sorted[0];
  const version = (s: ServiceModel): string => path.posix.basename(s.outDir);
  return [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: '../../runtime/index.js',
      namedImports: [{ name: 'ServiceFamily', isTypeOnly: true }],
    },
    ...sorted.map((s): ImportDeclarationStructure => ({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: `./${version(s)}/proxy.js`,
      namedImports: [{ name: s.className }],
    })),
    ...sorted.map((s): ExportDeclarationStructure => ({
      kind: StructureKind.ExportDeclaration,
      moduleSpecifier: `./${version(s)}/proxy.js`,
      namedExports: [{ name: s.className }],
    })),
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: 'const' as never,
      docs: [
        `Every ${first.serviceType} version in this build, newest first; connect() picks the one the cloud offers.`,
      ],
      declarations: [
        {
          name: first.attribute,
          initializer: `{ attribute: ${literal(first.attribute)}, serviceType: ${literal(first.serviceType)}, versions: [${sorted.map((s) => s.className).join(', ')}] } as const satisfies ServiceFamily`,
        },
      ],
    },
  ];
}

/** `generated/index.ts`: the package entry — the runtime, every service family, and connect(). */
function entryModule(families: readonly (readonly ServiceModel[])[]): StatementStructures[] {
  const names = families.map((f) => f[0].attribute);
  const dirs = families.map((f) => path.posix.basename(path.posix.dirname(f[0].outDir)));
  return [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: '../runtime/index.js',
      namedImports: [
        { name: 'createConnection' },
        { name: 'Connection', isTypeOnly: true },
        { name: 'ConnectOptions', isTypeOnly: true },
      ],
    },
    ...families.map((f, i): ImportDeclarationStructure => ({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: `./${dirs[i]}/index.js`,
      namedImports: [
        { name: f[0].attribute },
        ...(families.length === 1 ? f.map((s) => ({ name: s.className, isTypeOnly: true })) : []),
      ],
    })),
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: '../runtime/index.js' },
    ...dirs.map((dir): ExportDeclarationStructure => ({
      kind: StructureKind.ExportDeclaration,
      moduleSpecifier: `./${dir}/index.js`,
    })),
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: 'const' as never,
      docs: ['Every service family this SDK was generated for.'],
      declarations: [{ name: 'services', initializer: `[${names.join(', ')}] as const` }],
    },
    {
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: 'CloudConnection',
      type: 'Connection<typeof services>',
      docs: ['A connection with one proxy per service family the cloud offers.'],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'connect',
      parameters: [{ name: 'options', type: 'ConnectOptions', initializer: '{}' }],
      // Wide enough for every overload: the version is chosen at run time from `version`.
      returnType:
        families.length === 1
          ? `Promise<Omit<CloudConnection, ${literal(names[0])}> & { readonly ${names[0]}: ${families[0].map((s) => s.className).join(' | ')} }>`
          : 'Promise<CloudConnection>',
      statements: ['return createConnection(options, services);'],
      // With one service family, pinning `version` also narrows the proxy's type.
      overloads: [
        ...(families.length === 1
          ? families[0].map((s) => ({
              parameters: [{ name: 'options', type: `ConnectOptions & { readonly version: ${literal(s.version)} }` }],
              returnType: `Promise<Omit<CloudConnection, ${literal(s.attribute)}> & { readonly ${s.attribute}: ${s.className} }>`,
              docs: [
                `Connects pinned to ${s.serviceType} v${s.version}: \`connection.${s.attribute}\` is a {@link ${s.className}}.`,
              ],
            }))
          : []),
        {
          parameters: [{ name: 'options', type: 'ConnectOptions', hasQuestionToken: true }],
          returnType: 'Promise<CloudConnection>',
          docs: [
            'Connects to a cloud: options, then OS_* environment variables, then clouds.yaml/secure.yaml\n' +
              '(selected by `cloud` or OS_CLOUD). Authenticates, reads the catalog and discovers versions,\n' +
              'so that `connection.' +
              names[0] +
              '` is ready to use when the promise resolves: the newest\n' +
              'version of this SDK (' +
              families.map((f) => `${f[0].serviceType} v${Math.max(...f.map((s) => Number(s.version)))}`).join(', ') +
              '), or the one `version` names (an older one on its own endpoint where the cloud still\n' +
              'has one). The proxy is typed accordingly; a cloud without that version is an\n' +
              '`ApiVersionNotOfferedError`, and a version set only in clouds.yaml or OS_* variables must\n' +
              'be passed as `version` too.',
          ],
        },
      ],
    },
  ];
}

/** Emits every module of the SDK through `add`, in a stable order. */
export function emitModules(model: SpecModel, outputDir: string, add: (file: string, text: string) => void): void {
  const print = (file: string, sources: readonly string[], statements: StatementStructures[]): void => {
    add(file, `${banner(sources)}\n${printStructure({ kind: StructureKind.SourceFile, statements }, PRINT_OPTIONS)}`);
  };
  const families = new Map<string, ServiceModel[]>();
  for (const service of model.services) {
    const byName = new Map(service.resources.map((r) => [r.name, r]));
    const modulePath = (name: string): string => `./${moduleName(byName.get(name)!)}.js`;
    for (const resource of service.resources) {
      print(
        `${service.outDir}/${moduleName(resource)}.ts`,
        resource.sources,
        emitResourceModule(service, resource, modulePath),
      );
    }
    const allSources = [...new Set([service.serviceFile, ...service.resources.flatMap((r) => r.sources)])];
    print(`${service.outDir}/proxy.ts`, allSources, emitProxyModule(service, modulePath));
    print(`${service.outDir}/index.ts`, allSources, indexModule(service, modulePath));
    const family = families.get(service.serviceType) ?? [];
    family.push(service);
    families.set(service.serviceType, family);
  }
  for (const [, services] of families) {
    const outRoot = path.posix.dirname(services[0].outDir);
    print(
      `${outRoot}/index.ts`,
      services.map((s) => s.serviceFile),
      familyModule(services),
    );
  }
  print(
    `${outputDir}/index.ts`,
    model.services.map((s) => s.serviceFile),
    entryModule([...families.values()]),
  );
}
