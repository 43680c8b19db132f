/**
 * The rule catalogue of `npm run spec:diff`. Every change the differ reports carries one of these
 * ids, and the rule fixes how the change is classified, separately for the two audiences:
 *
 * - **SDK**: code written against the generated TypeScript SDK — does it still compile and do the
 *   same thing?
 * - **wire**: the HTTP contract the spec describes (what the OpenAPI export shows) — do requests
 *   keep their method, path, keys and encodings, and does every cloud that served a call still
 *   serve it?
 *
 * The README's rule catalogue is rendered from this list (`npm run spec:diff -- --rules`) and a
 * test keeps the two equal; each rule has a fixture pair under test/generator/fixtures/diff/<id>/.
 */

export type Level = 'breaking' | 'non-breaking' | 'docs-only';

export interface Rule {
  readonly id: string;
  /** What the rule means, in one line. */
  readonly meaning: string;
  readonly sdk: Level;
  readonly wire: Level;
  /** A one-line example of a change it reports. */
  readonly example: string;
}

const B = 'breaking' as const;
const N = 'non-breaking' as const;
const D = 'docs-only' as const;

export const RULES = [
  // API versions (one spec folder each).
  {
    id: 'version-added',
    meaning: 'A new API version folder (a new Proxy class).',
    sdk: N,
    wire: N,
    example: 'spec/block-storage/v3/ appears',
  },
  {
    id: 'version-removed',
    meaning: 'An API version and its Proxy class are gone.',
    sdk: B,
    wire: B,
    example: 'spec/block-storage/v2/ is deleted',
  },
  {
    id: 'version-renamed',
    meaning: 'The Proxy class name or the connection attribute changed; requests do not.',
    sdk: B,
    wire: N,
    example: 'class_name: BlockStorageV2 → BlockStorage2',
  },

  // Microversion bounds, on a service version, operation, route, field or argument.
  {
    id: 'microversion-min-raised',
    meaning: 'A minimum microversion was added or raised: calls on older clouds now fail.',
    sdk: B,
    wire: B,
    example: 'Volume.revert min_version 3.40 → 3.42',
  },
  {
    id: 'microversion-max-lowered',
    meaning: 'A maximum microversion was added or lowered: calls on newer clouds now fail.',
    sdk: B,
    wire: B,
    example: 'Transfer.list route /os-volume-transfer gets max_version 3.54',
  },
  {
    id: 'microversion-min-lowered',
    meaning: 'A minimum microversion was lowered or removed: more clouds serve the call.',
    sdk: N,
    wire: N,
    example: 'Limits.get(project) min_version 3.39 → none',
  },
  {
    id: 'microversion-max-raised',
    meaning: 'A maximum microversion was raised or removed: more clouds serve the call.',
    sdk: N,
    wire: N,
    example: 'service microversion max 3.70 → 3.71',
  },

  // Resources.
  {
    id: 'resource-added',
    meaning: 'A new resource (class, attribute types, operations).',
    sdk: N,
    wire: N,
    example: 'spec/block-storage/v2/group.yaml added',
  },
  {
    id: 'resource-removed',
    meaning: 'A resource and everything on it are gone.',
    sdk: B,
    wire: B,
    example: 'Extension removed',
  },
  {
    id: 'resource-renamed',
    meaning: 'Same base path and keys, new class name.',
    sdk: B,
    wire: N,
    example: 'resource: Type → VolumeType (base_path /types)',
  },
  {
    id: 'resource-key-changed',
    meaning: 'The JSON envelope key of one resource or of a list changed.',
    sdk: N,
    wire: B,
    example: 'resources_key: transfers → volume_transfers',
  },

  // Operations (requests on the wire).
  {
    id: 'operation-added',
    meaning: 'A new wire operation.',
    sdk: N,
    wire: N,
    example: 'Volume.summary GET /volumes/summary added',
  },
  {
    id: 'operation-removed',
    meaning: 'A wire operation is gone.',
    sdk: B,
    wire: B,
    example: 'Backup.exportRecord removed',
  },
  {
    id: 'operation-renamed',
    meaning: 'Same request, new operation name (the Operations constant key and error ids change).',
    sdk: B,
    wire: N,
    example: 'Volume.setReadonly → Volume.updateReadonlyFlag',
  },
  {
    id: 'operation-method-changed',
    meaning: 'The HTTP method of an operation or route changed.',
    sdk: N,
    wire: B,
    example: 'Type.update POST → PUT /types/{volume_type_id}',
  },
  {
    id: 'operation-path-changed',
    meaning: 'The path (or list detail path) of an operation or route changed.',
    sdk: N,
    wire: B,
    example: 'Backup.import /backups/export_record → /backups/import_record',
  },
  {
    id: 'operation-body-changed',
    meaning: 'The fixed part of a request body changed (literal values, nesting), not an argument.',
    sdk: N,
    wire: B,
    example: 'os-force_delete: {} → os-force_delete: null',
  },
  {
    id: 'operation-response-changed',
    meaning: 'What an operation returns changed: resource, value type or envelope key.',
    sdk: B,
    wire: B,
    example: 'Volume.setImageMetadata response key metadata → image_metadata',
  },

  // Actions: POST …/action with a single-key body such as {"os-extend": {…}}.
  {
    id: 'action-added',
    meaning: 'A new action (a new single-key body on an …/action endpoint).',
    sdk: N,
    wire: N,
    example: 'Volume.reimage ({"os-reimage": …}) added',
  },
  {
    id: 'action-removed',
    meaning: 'An action is gone.',
    sdk: B,
    wire: B,
    example: 'Volume.unmanage ({"os-unmanage": …}) removed',
  },
  {
    id: 'action-renamed',
    meaning: "The action's body key changed: clouds that know the old key reject the new one.",
    sdk: N,
    wire: B,
    example: 'Volume.setReadonly os-update_readonly_flag → os-set_readonly',
  },

  // Alternative routes by microversion.
  {
    id: 'route-added',
    meaning: 'An operation gains a route for a microversion range.',
    sdk: N,
    wire: N,
    example: 'Transfer.list at 3.55+: GET /volume-transfers',
  },
  {
    id: 'route-removed',
    meaning: 'A route for a microversion range is gone: those clouds get the default path.',
    sdk: B,
    wire: B,
    example: 'Transfer.list loses its 3.55+ route',
  },

  // Arguments: query parameters, body members and path parameters of an operation.
  {
    id: 'arg-added-optional',
    meaning: 'A new optional argument without default: sent only when given.',
    sdk: N,
    wire: N,
    example: 'Volume.list gains query parameter with_count',
  },
  {
    id: 'arg-added-required',
    meaning: 'A new required argument: every caller must pass it.',
    sdk: B,
    wire: B,
    example: 'Volume.attach gains required mode',
  },
  {
    id: 'arg-added-with-default',
    meaning: 'A new optional argument with a default: always sent, which strict clouds may reject.',
    sdk: N,
    wire: B,
    example: 'Volume.extend gains force (default false)',
  },
  {
    id: 'arg-removed',
    meaning: 'An argument is gone.',
    sdk: B,
    wire: B,
    example: 'Volume.delete loses query parameter cascade',
  },
  {
    id: 'arg-renamed',
    meaning: 'TypeScript name changed, wire name unchanged.',
    sdk: B,
    wire: N,
    example: 'Volume.detach attachment → attachmentId (attachment_id)',
  },
  {
    id: 'arg-wire-renamed',
    meaning: 'Same TypeScript name, different wire name: the same call sends another key.',
    sdk: B,
    wire: B,
    example: 'Volume.list allProjects: all_tenants → all_projects',
  },
  {
    id: 'arg-became-required',
    meaning: 'An optional argument is now required.',
    sdk: B,
    wire: B,
    example: 'Volume.migrate host becomes required',
  },
  {
    id: 'arg-became-optional',
    meaning: 'A required argument is now optional.',
    sdk: N,
    wire: N,
    example: 'Volume.attach mountpoint becomes optional',
  },
  {
    id: 'arg-default-changed',
    meaning: 'The default sent when a caller omits the argument changed.',
    sdk: B,
    wire: N,
    example: 'Volume.retype migrationPolicy default never → on-demand',
  },
  {
    id: 'arg-location-changed',
    meaning: 'The argument moved between query, body and path.',
    sdk: N,
    wire: B,
    example: 'Volume.delete cascade from the body to the query',
  },

  // Fields of resources and structs.
  {
    id: 'field-added',
    meaning: 'A new field (a new accessor and attribute).',
    sdk: N,
    wire: N,
    example: 'Volume.clusterName (cluster_name) added',
  },
  { id: 'field-removed', meaning: 'A field is gone.', sdk: B, wire: B, example: 'Volume.migrationId removed' },
  {
    id: 'field-renamed',
    meaning: 'TypeScript name changed, wire name unchanged.',
    sdk: B,
    wire: N,
    example: 'Volume.imageId → imageRef (imageRef)',
  },
  {
    id: 'field-wire-renamed',
    meaning: 'Same TypeScript name, different wire name: the value is read from and sent as another key.',
    sdk: B,
    wire: B,
    example: 'Volume.projectId: os-vol-tenant-attr:tenant_id → project_id',
  },
  {
    id: 'field-became-writable',
    meaning: 'A field can now be sent on create or update.',
    sdk: N,
    wire: N,
    example: 'Volume.description write: [create] → [create, update]',
  },
  {
    id: 'field-became-read-only',
    meaning: 'A field can no longer be sent on create or update.',
    sdk: B,
    wire: B,
    example: 'Volume.size write: [create] → none',
  },
  {
    id: 'field-placement-changed',
    meaning: 'Where a writable field goes in the request body changed (inside the resource key, beside it, flattened).',
    sdk: N,
    wire: B,
    example: 'Volume.schedulerHints placement: root → (inside volume)',
  },
  {
    id: 'field-deprecated',
    meaning: 'A field was deprecated or undeprecated.',
    sdk: N,
    wire: N,
    example: 'Volume.migrationId deprecated: Use migrationStatus.',
  },

  // Types and enums of fields and arguments.
  {
    id: 'type-changed',
    meaning: 'The TypeScript type and the JSON type changed incompatibly.',
    sdk: B,
    wire: B,
    example: 'Volume.size integer → string',
  },
  {
    id: 'type-widened',
    meaning: 'An argument accepts every value it accepted before, and more.',
    sdk: N,
    wire: N,
    example: 'Volume.retype newType string → ref Type (ID or Type)',
  },
  {
    id: 'type-encoding-changed',
    meaning: 'Same TypeScript type, different JSON encoding on the wire.',
    sdk: N,
    wire: B,
    example: 'Volume.isBootable boolstr ("true") → boolean (true)',
  },
  {
    id: 'enum-value-added',
    meaning: 'An enum gains values.',
    sdk: N,
    wire: N,
    example: 'Volume.retype migrationPolicy gains always',
  },
  {
    id: 'enum-value-removed',
    meaning: 'An enum loses values.',
    sdk: B,
    wire: B,
    example: 'Volume.resetStatus attachStatus loses attached',
  },
  {
    id: 'enum-added',
    meaning: 'A free value is now restricted to an enum.',
    sdk: B,
    wire: B,
    example: 'Volume.list sortDir: string → asc | desc',
  },
  {
    id: 'enum-removed',
    meaning: 'An enum restriction is dropped (the TypeScript type widens to string).',
    sdk: N,
    wire: N,
    example: 'Backup.resetStatus status: available | error → string',
  },

  // Structs (nested object types).
  {
    id: 'struct-added',
    meaning: 'A new struct type is exported.',
    sdk: N,
    wire: N,
    example: 'Volume struct ImageUpload added',
  },
  {
    id: 'struct-removed',
    meaning: 'A struct type is no longer exported.',
    sdk: B,
    wire: N,
    example: 'Volume struct Link removed',
  },

  // Proxy methods (the SDK surface only; the operations they send are diffed above).
  {
    id: 'method-added',
    meaning: 'A new Proxy method (and standalone function).',
    sdk: N,
    wire: N,
    example: 'BlockStorageV2.revertVolumeToSnapshot added',
  },
  {
    id: 'method-removed',
    meaning: 'A Proxy method is gone.',
    sdk: B,
    wire: N,
    example: 'BlockStorageV2.getVolumeMetadata removed',
  },
  {
    id: 'method-renamed',
    meaning: 'Same calls, new method name.',
    sdk: B,
    wire: N,
    example: 'BlockStorageV2.backendPools → pools',
  },
  {
    id: 'method-deprecated',
    meaning: 'A method was deprecated or undeprecated.',
    sdk: N,
    wire: N,
    example: 'BlockStorageV2.getVolumeMetadata deprecated: Use fetchVolumeMetadata.',
  },
  {
    id: 'method-signature-changed',
    meaning: 'Parameters or return type changed in a way no argument change above explains.',
    sdk: B,
    wire: N,
    example: 'deleteVolume(volume, options) → deleteVolume(volume, force, options)',
  },
  {
    id: 'method-option-added',
    meaning: 'A new optional option of a method, not from an operation argument.',
    sdk: N,
    wire: N,
    example: 'deleteVolume options gain force',
  },
  {
    id: 'method-operation-changed',
    meaning:
      'A method sends other operations: its call, switch alternatives, their microversion ranges or loops changed.',
    sdk: N,
    wire: B,
    example: 'deleteVolume force: os-force_delete action → DELETE ?force at 3.23+',
  },

  // Text only.
  {
    id: 'description-changed',
    meaning: 'A description changed (doc comments, api-ref text).',
    sdk: D,
    wire: D,
    example: 'Volume.extend description reworded',
  },
] as const satisfies readonly Rule[];

export type RuleId = (typeof RULES)[number]['id'];

export const RULES_BY_ID: ReadonlyMap<RuleId, Rule> = new Map(RULES.map((r) => [r.id, r]));

/** The README section: one table row per rule. */
export function rulesMarkdown(): string {
  const rows = RULES.map((r) => `| \`${r.id}\` | ${r.meaning} | ${r.sdk} | ${r.wire} | ${r.example} |`);
  return ['| rule | meaning | SDK | wire | example |', '|---|---|---|---|---|', ...rows].join('\n');
}
