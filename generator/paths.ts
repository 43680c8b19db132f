/**
 * Where the project is, for every part of the generator: one place, so that the generator runs the
 * same from its sources (tsx, vitest) and bundled into one file (scripts/generate.mjs tells esbuild
 * that this module's URL is this file's, wherever the bundle is written).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: spec/, templates/ and generated/ are under it. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The handlebars templates. */
export const templatesDir = path.join(projectRoot, 'templates');
