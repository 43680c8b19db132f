/**
 * Checks of `quota` declarations that need the whole service: the field a key measures must be a
 * field of every resource it counts, a per-record match must name a field of its resource, and a
 * class or limits declaration must name the project quota resource and only its keys.
 */
import type { Diagnostics } from '../load/diagnostics.js';
import type { SourceDocument } from '../load/source.js';
import type { QuotaKeyModel, ResourceModel } from './types.js';

export function checkQuotas(
  resources: readonly { readonly doc: SourceDocument; readonly model: ResourceModel }[],
  d: Diagnostics,
): void {
  const byName = new Map(resources.map((r) => [r.model.name, r.model]));
  for (const { doc, model } of resources) {
    const quota = model.quota;
    if (!quota) continue;
    const err = (p: (string | number)[], message: string): void => d.add(doc.locate(p), p.join('.'), message);
    const hasWire = (resource: string, wire: string): boolean =>
      byName.get(resource)?.fields.some((f) => f.wire === wire) ?? true;
    const checkKeys = (keys: readonly QuotaKeyModel[], base: string[]): void => {
      for (const k of keys) {
        if (k.field === undefined) continue;
        for (const r of k.of)
          if (!hasWire(r, k.field)) err([...base, k.key, 'field'], `${r} has no field with wire name "${k.field}"`);
      }
    };
    checkKeys(quota.keys, ['quota', 'keys']);
    if (quota.perRecord) {
      checkKeys(quota.perRecord.keys, ['quota', 'per_record', 'keys']);
      for (const [r, wire] of Object.entries(quota.perRecord.match))
        if (!hasWire(r, wire)) err(['quota', 'per_record', 'match', r], `${r} has no field with wire name "${wire}"`);
    }
    if (quota.of === undefined) continue;
    const project = byName.get(quota.of);
    if (!project) continue;
    if (project.quota?.role !== 'project') {
      err(['quota', 'of'], `${quota.of} declares no project quota (quota.role: project)`);
      continue;
    }
    const keys = new Set(project.quota.keys.map((k) => k.key));
    for (const v of quota.values)
      if (!keys.has(v.key)) err(['quota', 'values', v.path, 'key'], `${quota.of} has no quota key "${v.key}"`);
  }
}
