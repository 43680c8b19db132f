/**
 * ts-morph for the emitters, loaded with require(): it is CommonJS, and importing it from ES
 * modules makes Node first scan its 1 MB bundle for export names (about 65 ms of every
 * regeneration, measured). Types still come from `import type … from 'ts-morph'`.
 */
import { createRequire } from 'node:module';
import type * as TsMorph from 'ts-morph';

const tsMorph = createRequire(import.meta.url)('ts-morph') as typeof TsMorph;

export const { StructureKind, VariableDeclarationKind, printStructure, ts } = tsMorph;
