/**
 * The public API report of each generated version (`generated/<service>/<version>/api.md`): every
 * export of the version's index.ts, one line per member, sorted, in declaration-file style. It is
 * read back from the emitted, formatted TypeScript with ts-morph — the same text that is written to
 * disk — so it cannot disagree with the code. A spec change shows up in a pull request as a few
 * changed lines here, next to the spec diff (`npm run spec:diff`).
 */
import path from 'node:path';
import type { ts as TS } from 'ts-morph';
import { ts } from './ts-morph.js';
import type { ServiceModel, SpecModel } from '../model/types.js';
import { renderTemplate } from './render.js';

export const API_REPORT_FILE = 'api.md';

/** Parses one formatted module the way the report reads it (the pipeline does this as files arrive). */
export function parseModule(file: string, text: string): TS.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/**
 * Adds `<outDir>/api.md` for every service version to the (formatted) generated files. `parsed`
 * may hold modules already parsed from exactly these texts; the rest are parsed here.
 */
export function withApiReports(
  model: SpecModel,
  files: Map<string, string>,
  parsed?: ReadonlyMap<string, TS.SourceFile>,
): Map<string, string> {
  for (const service of model.services) {
    files.set(`${service.outDir}/${API_REPORT_FILE}`, apiReport(service, files, parsed));
  }
  return files;
}

interface Section {
  readonly title: string;
  readonly lines: readonly string[];
  /** A code fence longer than any run of backticks inside (an enum value may contain some). */
  readonly fence: string;
}

/** The report of one version, from its emitted files (keys relative to the project root). */
export function apiReport(
  service: ServiceModel,
  files: ReadonlyMap<string, string>,
  preparsed?: ReadonlyMap<string, TS.SourceFile>,
): string {
  const parsed = new Map<string, TS.SourceFile>();
  const source = (rel: string): TS.SourceFile => {
    const file = `${service.outDir}/${rel}`;
    let sf = parsed.get(file);
    if (!sf) {
      const text = files.get(file);
      if (text === undefined) throw new Error(`api report: ${file} was not emitted`);
      const early = preparsed?.get(file);
      sf = early && early.text === text ? early : parseModule(file, text);
      parsed.set(file, sf);
    }
    return sf;
  };

  // What index.ts exports, by module.
  const byModule = new Map<string, Set<string>>();
  for (const st of source('index.ts').statements) {
    if (!ts.isExportDeclaration(st) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    if (!st.exportClause || !ts.isNamedExports(st.exportClause)) continue;
    const rel = path.posix.normalize(st.moduleSpecifier.text.replace(/\.js$/, '.ts'));
    const names = byModule.get(rel) ?? new Set<string>();
    for (const el of st.exportClause.elements) names.add(el.name.text);
    byModule.set(rel, names);
  }

  const sections: Section[] = [];
  const modules = [...byModule].sort(([a], [b]) => (a === 'proxy.ts' ? -1 : b === 'proxy.ts' ? 1 : compare(a, b)));
  for (const [rel, names] of modules) {
    const sf = source(rel);
    const declared = new Map<string, TS.Statement>();
    // Interfaces merged into a class (a resource's fields) are reported as its members.
    const merged = new Map<string, TS.InterfaceDeclaration[]>();
    for (const st of sf.statements) {
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) declared.set(d.name.text, st);
      } else if (ts.isInterfaceDeclaration(st) && ts.isClassDeclaration(declared.get(st.name.text) ?? st)) {
        merged.set(st.name.text, [...(merged.get(st.name.text) ?? []), st]);
      } else if (
        (ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) &&
        st.name
      ) {
        declared.set(st.name.text, st);
      } else if (ts.isFunctionDeclaration(st) && st.name && st.body) {
        declared.set(st.name.text, st);
      }
    }
    const blocks: { order: number; name: string; lines: string[] }[] = [];
    for (const name of names) {
      const st = declared.get(name);
      const found = st && declarationLines(sf, st, name, merged.get(name) ?? []);
      if (!found) throw new Error(`api report: ${service.outDir}/${rel} exports no declaration named ${name}`);
      blocks.push({ name, ...found });
    }
    blocks.sort((a, b) => a.order - b.order || compare(a.name, b.name));
    const lines = blocks.flatMap((b) => b.lines);
    const longest = Math.max(0, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((run) => run.length)));
    sections.push({ title: rel, lines, fence: '`'.repeat(Math.max(3, longest + 1)) });
  }
  return renderTemplate('api-report', {
    title: `${service.serviceType} v${service.version}`,
    specDir: service.specDir,
    importPath: service.outDir.replace(/^generated\//, ''),
    sections,
  });
}

/** Declaration order of the report: classes, interfaces and types, constants, functions. */
function declarationLines(
  sf: TS.SourceFile,
  st: TS.Statement,
  name: string,
  mergedInterfaces: readonly TS.InterfaceDeclaration[],
): { order: number; lines: string[] } | undefined {
  const text = (node: TS.Node | undefined, fallback = 'unknown'): string =>
    node ? typeText(node.getText(sf)) : fallback;
  const params = (list: TS.NodeArray<TS.ParameterDeclaration>): string =>
    list
      .map((p) => {
        const optional = p.questionToken !== undefined || p.initializer !== undefined;
        return `${p.dotDotDotToken ? '...' : ''}${p.name.getText(sf)}${optional ? '?' : ''}: ${text(p.type)}`;
      })
      .join(', ');
  const typeParams = (list: TS.NodeArray<TS.TypeParameterDeclaration> | undefined): string =>
    list && list.length > 0 ? `<${list.map((t) => typeText(t.getText(sf))).join(', ')}>` : '';

  if (ts.isClassDeclaration(st)) {
    const heritage = (st.heritageClauses ?? [])
      .map(
        (h) =>
          ` ${h.token === ts.SyntaxKind.ExtendsKeyword ? 'extends' : 'implements'} ${h.types.map((t) => typeText(t.getText(sf))).join(', ')}`,
      )
      .join('');
    const members: { key: string; text: string }[] = [];
    const methods = new Map<string, TS.MethodDeclaration[]>();
    for (const m of [...st.members, ...mergedInterfaces.flatMap((i) => i.members)]) {
      if (hasModifier(m, ts.SyntaxKind.PrivateKeyword) || hasModifier(m, ts.SyntaxKind.ProtectedKeyword)) continue;
      if (m.name && ts.isPrivateIdentifier(m.name)) continue;
      const isStatic = hasModifier(m, ts.SyntaxKind.StaticKeyword);
      const memberName = m.name ? m.name.getText(sf) : '';
      if (ts.isPropertyDeclaration(m) || ts.isPropertySignature(m)) {
        const mods = `${isStatic ? 'static ' : ''}${hasModifier(m, ts.SyntaxKind.ReadonlyKeyword) ? 'readonly ' : ''}`;
        members.push({
          key: `0${isStatic ? 0 : 1}${memberName}`,
          text: `${deprecated(m)}${mods}${memberName}${m.questionToken ? '?' : ''}: ${text(m.type)};`,
        });
      } else if (ts.isConstructorDeclaration(m)) {
        members.push({ key: '1', text: `${deprecated(m)}constructor(${params(m.parameters)});` });
      } else if (ts.isGetAccessorDeclaration(m)) {
        members.push({
          key: `2${memberName}\u00000`,
          text: `${deprecated(m)}${isStatic ? 'static ' : ''}get ${memberName}(): ${text(m.type)};`,
        });
      } else if (ts.isSetAccessorDeclaration(m)) {
        members.push({
          key: `2${memberName}\u00001`,
          text: `${isStatic ? 'static ' : ''}set ${memberName}(${params(m.parameters)});`,
        });
      } else if (ts.isMethodDeclaration(m)) {
        methods.set(memberName, [...(methods.get(memberName) ?? []), m]);
      }
    }
    for (const [memberName, decls] of methods) {
      // With overloads, the implementation's signature is not part of the API.
      const sigs = decls.length > 1 ? decls.filter((d) => !d.body) : decls;
      const lastDoc = decls.map(deprecated).find(Boolean) ?? '';
      for (const [i, s] of sigs.entries()) {
        const mods = hasModifier(s, ts.SyntaxKind.StaticKeyword) ? 'static ' : '';
        members.push({
          key: `3${memberName}\u0000${i}`,
          text: `${deprecated(s) || lastDoc}${mods}${memberName}${typeParams(s.typeParameters)}(${params(s.parameters)}): ${text(s.type, 'void')};`,
        });
      }
    }
    members.sort((a, b) => compare(a.key, b.key));
    return {
      order: 0,
      lines: [`${deprecated(st)}class ${name}${heritage} {`, ...members.map((m) => `  ${m.text}`), '}'],
    };
  }

  if (ts.isInterfaceDeclaration(st)) {
    const ext = (st.heritageClauses ?? []).flatMap((h) => h.types.map((t) => typeText(t.getText(sf))));
    const members: { key: string; text: string }[] = [];
    for (const m of st.members) {
      const readonly = hasModifier(m, ts.SyntaxKind.ReadonlyKeyword) ? 'readonly ' : '';
      if (ts.isPropertySignature(m)) {
        const memberName = m.name.getText(sf);
        members.push({
          key: `1${memberName.replace(/^['"]|['"]$/g, '')}`,
          text: `${deprecated(m)}${readonly}${memberName}${m.questionToken ? '?' : ''}: ${text(m.type)};`,
        });
      } else if (ts.isIndexSignatureDeclaration(m)) {
        members.push({ key: '0', text: `${readonly}[${params(m.parameters)}]: ${text(m.type)};` });
      } else if (ts.isMethodSignature(m)) {
        members.push({
          key: `2${m.name.getText(sf)}`,
          text: `${deprecated(m)}${m.name.getText(sf)}${typeParams(m.typeParameters)}(${params(m.parameters)}): ${text(m.type, 'void')};`,
        });
      }
    }
    members.sort((a, b) => compare(a.key, b.key));
    const head = `${deprecated(st)}interface ${name}${typeParams(st.typeParameters)}${ext.length > 0 ? ` extends ${ext.join(', ')}` : ''}`;
    return {
      order: 1,
      lines: members.length === 0 ? [`${head} {}`] : [`${head} {`, ...members.map((m) => `  ${m.text}`), '}'],
    };
  }

  if (ts.isTypeAliasDeclaration(st)) {
    return { order: 1, lines: [`${deprecated(st)}type ${name}${typeParams(st.typeParameters)} = ${text(st.type)};`] };
  }

  if (ts.isVariableStatement(st)) {
    const decl = st.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name)!;
    const prefix = deprecated(st);
    if (decl.type) return { order: 2, lines: [`${prefix}const ${name}: ${text(decl.type)};`] };
    // An `as const` object (the wire operations of a resource): one line per entry with its value,
    // so that a changed method, path or microversion bound shows.
    let init = decl.initializer;
    while (init && (ts.isSatisfiesExpression(init) || ts.isAsExpression(init) || ts.isParenthesizedExpression(init)))
      init = init.expression;
    if (init && ts.isObjectLiteralExpression(init)) {
      const entries = init.properties.map((p) =>
        ts.isPropertyAssignment(p)
          ? `  ${p.name.getText(sf)}: ${text(constValue(sf, p.initializer))};`
          : `  ${typeText(p.getText(sf))};`,
      );
      return { order: 2, lines: [`${prefix}const ${name}: {`, ...entries.sort(compare), '};'] };
    }
    return { order: 2, lines: [`${prefix}const ${name}: ${text(init)};`] };
  }

  if (ts.isFunctionDeclaration(st)) {
    const all = sf.statements.filter(
      (s): s is TS.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name,
    );
    const sigs = all.length > 1 ? all.filter((d) => !d.body) : all;
    const anyDeprecated = all.map(deprecated).find(Boolean) ?? '';
    return {
      order: 3,
      lines: sigs.map(
        (s) =>
          `${deprecated(s) || anyDeprecated}function ${name}${typeParams(s.typeParameters)}(${params(s.parameters)}): ${text(s.type, 'void')};`,
      ),
    };
  }
  return undefined;
}

/**
 * The value an entry stands for: an identifier naming a module constant (each wire operation is
 * one, so that bundles keep only those they use) is shown as that constant's value.
 */
function constValue(sf: TS.SourceFile, node: TS.Expression): TS.Node {
  if (!ts.isIdentifier(node)) return node;
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.name.text !== node.text || !d.initializer) continue;
      let init = d.initializer;
      while (ts.isSatisfiesExpression(init) || ts.isAsExpression(init) || ts.isParenthesizedExpression(init))
        init = init.expression;
      return init;
    }
  }
  return node;
}

function hasModifier(node: TS.Node, kind: TS.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

function deprecated(node: TS.Node): string {
  return ts.getJSDocDeprecatedTag(node) ? '/** @deprecated */ ' : '';
}

/** One line, whatever prettier did: single spaces, no leading `|`, no trailing commas. */
function typeText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/([(<[{]) \| /g, '$1')
    .replace(/^\| /, '')
    .replace(/,\s*([)\]}>])/g, ' $1')
    .replace(/([([]) /g, '$1')
    .replace(/ ([)\]])/g, '$1')
    .replace(/\{ \}/g, '{}')
    .trim();
}

/** Code-point order: stable across locales and ICU versions. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
