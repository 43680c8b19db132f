/**
 * Names and banners shared by every emitter. Kept apart from the ts-morph emitters so that the
 * template-only emitters (tests) can run before ts-morph is loaded.
 */
import path from 'node:path';
import type { ResourceModel } from '../model/types.js';
import { renderTemplate } from './render.js';

/** Module file name of a resource: `QosSpecAssociation` → `qos-spec-association`. */
export function moduleName(resource: ResourceModel): string {
  return path.posix.basename(resource.file, '.yaml').replace(/_/g, '-');
}

/** The exported const holding a resource's wire operations. */
export function operationsConstName(resource: ResourceModel): string {
  return `${resource.name}Operations`;
}

/**
 * The first line of every generated file: the spec files it came from. A module of one resource
 * names its file (and the file it extends); a module built from a whole version (proxy, index,
 * tests of every resource) names each folder as a glob, so that the line stays short enough to read
 * in a review however many files the version has.
 */
export function banner(sources: readonly string[]): string {
  return renderTemplate('banner', { sources: bannerSources(sources) }).trim();
}

/** At most this many files are listed by name; more are summarised per folder. */
const MAX_LISTED = 2;

export function bannerSources(sources: readonly string[]): string {
  const files = [...new Set(sources)].sort();
  if (files.length <= MAX_LISTED) return files.join(', ');
  const dirs = [...new Set(files.map((f) => path.posix.dirname(f)))];
  return dirs.map((dir) => `${dir}/*.yaml`).join(', ');
}
