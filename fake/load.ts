/**
 * Reads the prebuilt model (generated/fake-model.json) once per process. The file is read, not
 * imported, so that type-checking and bundling never pay for 400 KB of JSON; the path is relative to
 * this module, and `npm run build` rewrites it for the bundled tree (scripts/build.mjs).
 */
import { readFileSync } from 'node:fs';
import type { FakeModel } from './model.js';

const MODEL_FILE = '../generated/fake-model.json';

let cached: FakeModel | undefined;

export function loadModel(): FakeModel {
  if (!cached) {
    const url = new URL(MODEL_FILE, import.meta.url);
    const parsed: unknown = JSON.parse(readFileSync(url, 'utf8'));
    if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { services?: unknown }).services))
      throw new Error(`${url.pathname} is not a fake-cloud model (no "services" list); run npm run generate`);
    cached = parsed as FakeModel;
  }
  return cached;
}
