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

/** The first line of every generated file: the spec files it came from. */
export function banner(sources: readonly string[]): string {
  return renderTemplate('banner', { sources: [...sources].sort().join(', ') }).trim();
}
