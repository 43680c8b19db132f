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
  /** Why the change is (non-)breaking for each audience: the footnote of the rule in a report. */
  readonly why: string;
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
    why: 'Nothing that existed changes; callers opt in to the new Proxy.',
  },
  {
    id: 'version-removed',
    meaning: 'An API version and its Proxy class are gone.',
    sdk: B,
    wire: B,
    example: 'spec/block-storage/v2/ is deleted',
    why: 'Code importing the version no longer compiles, and its requests are no longer described.',
  },
  {
    id: 'version-renamed',
    meaning: 'The Proxy class name or the connection attribute changed; requests do not.',
    sdk: B,
    wire: N,
    example: 'class_name: BlockStorageV2 → BlockStorage2',
    why: 'Code naming the class or attribute no longer compiles; the requests are the same.',
  },

  // Microversion bounds, on a service version, operation, route, field or argument.
  {
    id: 'microversion-min-raised',
    meaning: 'A minimum microversion was added or raised: calls on older clouds now fail.',
    sdk: B,
    wire: B,
    example: 'Volume.revert min_version 3.40 → 3.42',
    why: 'The same call now fails early (MicroversionNotSupportedError) on clouds between the old and the new minimum.',
  },
  {
    id: 'microversion-max-lowered',
    meaning: 'A maximum microversion was added or lowered: calls on newer clouds now fail.',
    sdk: B,
    wire: B,
    example: 'Transfer.list route /os-volume-transfer gets max_version 3.54',
    why: 'The same call now fails early on clouds above the new maximum.',
  },
  {
    id: 'microversion-min-lowered',
    meaning: 'A minimum microversion was lowered or removed: more clouds serve the call.',
    sdk: N,
    wire: N,
    example: 'Limits.get(project) min_version 3.39 → none',
    why: 'Every cloud that served the call still does; older ones now do too.',
  },
  {
    id: 'microversion-max-raised',
    meaning: 'A maximum microversion was raised or removed: more clouds serve the call.',
    sdk: N,
    wire: N,
    example: 'service microversion max 3.70 → 3.71',
    why: 'Every cloud that served the call still does; newer ones now do too.',
  },

  // Resources.
  {
    id: 'resource-added',
    meaning: 'A new resource (class, attribute types, operations).',
    sdk: N,
    wire: N,
    example: 'spec/block-storage/v2/group.yaml added',
    why: 'Only new exports and new requests; nothing existing changes.',
  },
  {
    id: 'resource-removed',
    meaning: 'A resource and everything on it are gone.',
    sdk: B,
    wire: B,
    example: 'Extension removed',
    why: 'Code using the class no longer compiles, and its requests are gone.',
  },
  {
    id: 'resource-renamed',
    meaning: 'Same base path and keys, new class name.',
    sdk: B,
    wire: N,
    example: 'resource: Type → VolumeType (base_path /types)',
    why: 'Code naming the class no longer compiles; paths and keys are the same.',
  },
  {
    id: 'resource-key-changed',
    meaning: 'The JSON envelope key of one resource or of a list changed.',
    sdk: N,
    wire: B,
    example: 'resources_key: transfers → volume_transfers',
    why: 'The same code reads or sends another JSON envelope key, which clouds that use the old one do not understand.',
  },

  // Operations (requests on the wire).
  {
    id: 'operation-added',
    meaning: 'A new wire operation.',
    sdk: N,
    wire: N,
    example: 'Volume.summary GET /volumes/summary added',
    why: 'A request the SDK did not send before; existing calls are untouched.',
  },
  {
    id: 'operation-removed',
    meaning: 'A wire operation is gone.',
    sdk: B,
    wire: B,
    example: 'Backup.exportRecord removed',
    why: 'Methods that sent it are gone or send something else.',
  },
  {
    id: 'operation-renamed',
    meaning: 'Same request, new operation name (the Operations constant key and error ids change).',
    sdk: B,
    wire: N,
    example: 'Volume.setReadonly → Volume.updateReadonlyFlag',
    why: 'Code using the Operations constant or matching error ids breaks; the request is the same.',
  },
  {
    id: 'operation-method-changed',
    meaning: 'The HTTP method of an operation or route changed.',
    sdk: N,
    wire: B,
    example: 'Type.update POST → PUT /types/{volume_type_id}',
    why: 'The same call sends another HTTP method, which the routes of older clouds may not accept.',
  },
  {
    id: 'operation-path-changed',
    meaning: 'The path (or list detail path) of an operation or route changed.',
    sdk: N,
    wire: B,
    example: 'Backup.import /backups/export_record → /backups/import_record',
    why: 'The same call goes to another URL, which clouds that serve the old one may not have.',
  },
  {
    id: 'operation-body-changed',
    meaning: 'The fixed part of a request body changed (literal values, nesting), not an argument.',
    sdk: N,
    wire: B,
    example: 'os-force_delete: {} → os-force_delete: null',
    why: 'The same call sends a different fixed body, which the server validates.',
  },
  {
    id: 'operation-response-changed',
    meaning: 'What an operation returns changed: resource, value type or envelope key.',
    sdk: B,
    wire: B,
    example: 'Volume.setImageMetadata response key metadata → image_metadata',
    why: 'The same call returns another type or reads another key: callers break and replies that were valid may not be.',
  },

  // Actions: POST …/action with a single-key body such as {"os-extend": {…}}.
  {
    id: 'action-added',
    meaning: 'A new action (a new single-key body on an …/action endpoint).',
    sdk: N,
    wire: N,
    example: 'Volume.reimage ({"os-reimage": …}) added',
    why: 'A body the SDK did not send before; existing calls are untouched.',
  },
  {
    id: 'action-removed',
    meaning: 'An action is gone.',
    sdk: B,
    wire: B,
    example: 'Volume.unmanage ({"os-unmanage": …}) removed',
    why: 'Methods that sent it are gone or send something else.',
  },
  {
    id: 'action-renamed',
    meaning: "The action's body key changed: clouds that know the old key reject the new one.",
    sdk: N,
    wire: B,
    example: 'Volume.setReadonly os-update_readonly_flag → os-set_readonly',
    why: 'The same call sends another action key; clouds that know only the old key answer 400.',
  },

  // Alternative routes by microversion.
  {
    id: 'route-added',
    meaning: 'An operation gains a route for a microversion range.',
    sdk: N,
    wire: N,
    example: 'Transfer.list at 3.55+: GET /volume-transfers',
    why: 'Clouds in the new range get a path they serve; others keep the one they had.',
  },
  {
    id: 'route-removed',
    meaning: 'A route for a microversion range is gone: those clouds get the default path.',
    sdk: B,
    wire: B,
    example: 'Transfer.list loses its 3.55+ route',
    why: 'Clouds in the range now get the default path, which they may not serve.',
  },

  // Fallbacks: one retry at another path when the first answer matches (`fallback` of an operation).
  {
    id: 'operation-fallback-added',
    meaning: 'An operation gains a fallback: sent once more at another path when the answer matches.',
    sdk: N,
    wire: N,
    example: 'Service.failoverCluster: on 400 "Host field is missing", once more at PUT /os-services/failover',
    why: 'Answers that do not match reach the caller as before; a call that failed with the matched answer (an older cloud) is sent once more where that cloud serves it.',
  },
  {
    id: 'operation-fallback-removed',
    meaning: "An operation's fallback is gone: the matched answer is the caller's error again.",
    sdk: N,
    wire: B,
    example: 'Service.failoverCluster loses its retry at PUT /os-services/failover',
    why: 'Clouds that answer the matched error (the older releases the fallback served) now fail the same call, with no retry.',
  },
  {
    id: 'operation-fallback-changed',
    meaning: 'A fallback retries on another answer (status, message) or at another method or path.',
    sdk: N,
    wire: B,
    example: 'Service.failoverCluster fallback path /os-services/failover → /os-services/failover_cluster',
    why: 'The same call retries on other answers, or sends the retry elsewhere: the clouds the old fallback served may not be served by the new one.',
  },

  {
    id: 'links-path-changed',
    meaning: "The collection a resource's links name changed (`links_path`), its base path did not.",
    sdk: N,
    wire: N,
    example: 'Transfer links_path none → /os-volume-transfer',
    why: 'Requests go where they went; only the href of the links in answers (which the fake cloud builds) differs.',
  },

  // Wording of Cinder's errors, as the fake cloud answers them.
  {
    id: 'error-wording-changed',
    meaning:
      "The words of one of Cinder's errors changed: a resource's 404 (`not_found`) or a refused step (a transition's `message`).",
    sdk: N,
    wire: N,
    example: 'Type not_found "Type {id} could not be found." → "Volume type {id} could not be found."',
    why: 'The same calls fail with the same status; only the message text (which the fake cloud answers) differs.',
  },

  // Policies: who Cinder's default policy lets call an operation (`policy`; the SDK sends the same).
  {
    id: 'policy-declared',
    meaning: 'An operation now names its Cinder policy rule and who the default allows.',
    sdk: D,
    wire: D,
    example: 'Service.list declares policy volume_extension:services:index (admin)',
    why: 'The spec now says what Cinder already did: the same callers are refused as before (the fake cloud refuses them too).',
  },
  {
    id: 'policy-undeclared',
    meaning: 'An operation no longer names its policy: the spec stops saying who may call it.',
    sdk: D,
    wire: D,
    example: 'Service.list loses policy volume_extension:services:index',
    why: 'Nothing on the wire changes; the docs and the fake cloud no longer refuse anyone for this rule.',
  },
  {
    id: 'policy-narrowed',
    meaning: 'Fewer callers pass the default policy (reader → member → admin).',
    sdk: N,
    wire: B,
    example: 'Type.getExtraSpecs policy reader → admin',
    why: "Members or readers who could call the operation are now refused with Cinder's 403 (and the fake's).",
  },
  {
    id: 'policy-widened',
    meaning: 'More callers pass the default policy (admin → member → reader).',
    sdk: N,
    wire: N,
    example: 'QosSpec.list policy admin → reader',
    why: 'Every caller that was allowed still is.',
  },
  {
    id: 'policy-rule-renamed',
    meaning:
      'The policy rule an operation is checked against, or the wording of its 403, changed; who it allows does not.',
    sdk: N,
    wire: N,
    example: 'Volume.extend rule volume:extend → volume:extend_attached_volume',
    why: "The same callers pass; only the rule's name in Cinder's 403 message (and in operators' policy files) differs.",
  },

  // Arguments: query parameters, body members and path parameters of an operation.
  {
    id: 'arg-added-optional',
    meaning: 'A new optional argument without default: sent only when given.',
    sdk: N,
    wire: N,
    example: 'Volume.list gains query parameter with_count',
    why: 'Calls that leave it out send exactly what they sent before.',
  },
  {
    id: 'arg-added-required',
    meaning: 'A new required argument: every caller must pass it.',
    sdk: B,
    wire: B,
    example: 'Volume.attach gains required mode',
    why: 'Every existing call misses an argument: it no longer compiles, and the request gains a key.',
  },
  {
    id: 'arg-added-with-default',
    meaning: 'A new optional argument with a default: always sent, which strict clouds may reject.',
    sdk: N,
    wire: B,
    example: 'Volume.extend gains force (default false)',
    why: 'Calls that leave it out now send the key with its default; clouds that validate bodies strictly (Cinder does) reject a key they do not know.',
  },
  {
    id: 'arg-removed',
    meaning: 'An argument is gone.',
    sdk: B,
    wire: B,
    example: 'Volume.delete loses query parameter cascade',
    why: 'Code passing it no longer compiles, and the request loses the key.',
  },
  {
    id: 'arg-renamed',
    meaning: 'TypeScript name changed, wire name unchanged.',
    sdk: B,
    wire: N,
    example: 'Volume.detach attachment → attachmentId (attachment_id)',
    why: 'Code passing it by its old name no longer compiles; the key sent is the same.',
  },
  {
    id: 'arg-wire-renamed',
    meaning: 'Same TypeScript name, different wire name: the same call sends another key.',
    sdk: B,
    wire: B,
    example: 'Volume.list allProjects: all_tenants → all_projects',
    why: 'The same call sends the value under another key, which clouds that expect the old one ignore or reject.',
  },
  {
    id: 'arg-became-required',
    meaning: 'An optional argument is now required.',
    sdk: B,
    wire: B,
    example: 'Volume.migrate host becomes required',
    why: 'Calls that left it out no longer compile, and every request now carries the key, which clouds that did not require it may not know.',
  },
  {
    id: 'arg-became-optional',
    meaning: 'A required argument is now optional.',
    sdk: N,
    wire: N,
    example: 'Volume.attach mountpoint becomes optional',
    why: 'Every call that compiled still compiles and sends the same.',
  },
  {
    id: 'arg-default-changed',
    meaning: 'The default sent when a caller omits the argument changed.',
    sdk: B,
    wire: N,
    example: 'Volume.retype migrationPolicy default never → on-demand',
    why: 'Calls that leave it out now send another value: same code, different behaviour; the key sent is the same.',
  },
  {
    id: 'arg-default-added',
    meaning: 'An optional argument gains a default: always sent from now on, which strict clouds may reject.',
    sdk: N,
    wire: B,
    example: 'Volume.reimage reimageReserved default none → false',
    why: 'Calls that leave it out now send the key with its default, where they sent nothing; clouds that validate bodies strictly (Cinder does) reject a key they do not know, as for a new argument with a default.',
  },
  {
    id: 'arg-default-removed',
    meaning: "An optional argument loses its default: sent only when given, the cloud's default applies otherwise.",
    sdk: B,
    wire: N,
    example: 'Volume.extend force default false → none',
    why: "Calls that leave it out no longer send the key, so the cloud applies its own default instead of the spec's; no cloud rejects a key that is not sent.",
  },
  {
    id: 'arg-location-changed',
    meaning: 'The argument moved between query, body and path.',
    sdk: N,
    wire: B,
    example: 'Volume.delete cascade from the body to the query',
    why: 'The same value is sent in another place (query, body, path), which the server reads from the old one.',
  },

  // Fields of resources and structs.
  {
    id: 'field-added',
    meaning: 'A new field (a new accessor and attribute).',
    sdk: N,
    wire: N,
    example: 'Volume.clusterName (cluster_name) added',
    why: 'A new accessor; values that were ignored are now read.',
  },
  {
    id: 'field-removed',
    meaning: 'A field is gone.',
    sdk: B,
    wire: B,
    example: 'Volume.migrationId removed',
    why: 'Code reading it no longer compiles, and the key is no longer read or sent.',
  },
  {
    id: 'field-renamed',
    meaning: 'TypeScript name changed, wire name unchanged.',
    sdk: B,
    wire: N,
    example: 'Volume.imageId → imageRef (imageRef)',
    why: 'Code using the old accessor no longer compiles; the key is the same.',
  },
  {
    id: 'field-wire-renamed',
    meaning: 'Same TypeScript name, different wire name: the value is read from and sent as another key.',
    sdk: B,
    wire: B,
    example: 'Volume.projectId: os-vol-tenant-attr:tenant_id → project_id',
    why: 'The same code reads and sends another key: clouds that use the old key look like they sent nothing.',
  },
  {
    id: 'field-became-writable',
    meaning: 'A field can now be sent on create or update.',
    sdk: N,
    wire: N,
    example: 'Volume.description write: [create] → [create, update]',
    why: 'Calls that compiled send the same; new calls may send it.',
  },
  {
    id: 'field-became-read-only',
    meaning: 'A field can no longer be sent on create or update.',
    sdk: B,
    wire: B,
    example: 'Volume.size write: [create] → none',
    why: 'Code setting it on create or update no longer compiles, and the key is no longer sent.',
  },
  {
    id: 'field-placement-changed',
    meaning: 'Where a writable field goes in the request body changed (inside the resource key, beside it, flattened).',
    sdk: N,
    wire: B,
    example: 'Volume.schedulerHints placement: root → (inside volume)',
    why: 'The same code sends the key at another place in the body, which the server reads from the old one.',
  },
  {
    id: 'field-deprecated',
    meaning: 'A field was deprecated or undeprecated.',
    sdk: N,
    wire: N,
    example: 'Volume.migrationId deprecated: Use migrationStatus.',
    why: 'Deprecation is a doc comment; the code and the request are the same.',
  },
  {
    id: 'field-create-wire-added',
    meaning: 'A field is sent on create under a key of its own (`create_wire`) instead of its wire name.',
    sdk: N,
    wire: B,
    example: 'Type.isPublic sent on create as os-volume-type-access:is_public, was is_public',
    why: 'The same create sends the value under another key: clouds that read the old one ignore the new one, or reject it when they validate bodies strictly (Cinder does).',
  },
  {
    id: 'field-create-wire-removed',
    meaning: "A field's create key (`create_wire`) is dropped: create sends it under its wire name again.",
    sdk: N,
    wire: B,
    example: 'Type.isPublic sent on create as is_public, was os-volume-type-access:is_public',
    why: 'The same create sends the value under another key: clouds that read the old one ignore the new one, or reject it when they validate bodies strictly (Cinder does).',
  },
  {
    id: 'field-create-wire-changed',
    meaning: "A field's create key (`create_wire`) is another key.",
    sdk: N,
    wire: B,
    example: 'Type.isPublic create_wire os-volume-type-access:is_public → volume_type_is_public',
    why: 'The same create sends the value under another key: clouds that read the old one ignore the new one, or reject it when they validate bodies strictly (Cinder does).',
  },
  {
    id: 'field-tolerated-value-added',
    meaning:
      "A value of a field is tolerated after the field's max_version (`tolerated_after_max`): sent at any microversion.",
    sdk: N,
    wire: N,
    example: 'Snapshot.force: true tolerated after 3.65',
    why: 'A call sending the value is no longer capped at max_version (nor refused when a later microversion is pinned): it goes out at the negotiated microversion, where the spec says the cloud accepts and ignores it. Other values are treated as before.',
  },
  {
    id: 'field-tolerated-value-removed',
    meaning: "A value is no longer tolerated after the field's max_version: sending it caps the call again.",
    sdk: N,
    wire: B,
    example: 'Snapshot.force: true no longer tolerated after 3.65',
    why: 'A call sending the value is capped at max_version again, and refused before sending when a later microversion is pinned: the SDK refuses a call it sent before.',
  },
  {
    id: 'field-tolerated-message-changed',
    meaning: "The 400 message for a value that is not tolerated after the field's max_version changed.",
    sdk: N,
    wire: N,
    example: "Snapshot.force: Cinder's message for force: false at 3.66+ reworded",
    why: "Only the text of the 400 the fake cloud answers (Cinder's own) changes; the SDK sends the same requests at the same microversions.",
  },

  // Types and enums of fields and arguments.
  {
    id: 'type-changed',
    meaning: 'The TypeScript type and the JSON type changed incompatibly.',
    sdk: B,
    wire: B,
    example: 'Volume.size integer → string',
    why: 'Code using the old type no longer compiles, and the JSON the server sends or expects differs.',
  },
  {
    id: 'type-widened',
    meaning: 'An argument accepts every value it accepted before, and more.',
    sdk: N,
    wire: N,
    example: 'Volume.retype newType string → ref Type (ID or Type)',
    why: 'Every value that was accepted still is; the request for those values is the same.',
  },
  {
    id: 'type-encoding-changed',
    meaning: 'Same TypeScript type, different JSON encoding on the wire.',
    sdk: N,
    wire: B,
    example: 'Volume.isBootable boolstr ("true") → boolean (true)',
    why: 'The same TypeScript value is sent or read as other JSON ("true" vs true), which the server may reject.',
  },
  {
    id: 'enum-value-added',
    meaning: 'An enum gains values.',
    sdk: N,
    wire: N,
    example: 'Volume.retype migrationPolicy gains always',
    why: 'Every value that was accepted still is.',
  },
  {
    id: 'enum-value-removed',
    meaning: 'An enum loses values.',
    sdk: B,
    wire: B,
    example: 'Volume.resetStatus attachStatus loses attached',
    why: 'Code passing the removed value no longer compiles, and the server is told it is invalid.',
  },
  {
    id: 'enum-added',
    meaning: 'A free value is now restricted to an enum.',
    sdk: B,
    wire: B,
    example: 'Volume.list sortDir: string → asc | desc',
    why: 'Code passing a value outside the enum no longer compiles, and the cloud is no longer sent values it may accept.',
  },
  {
    id: 'enum-removed',
    meaning: 'An enum restriction is dropped (the TypeScript type widens to string).',
    sdk: N,
    wire: N,
    example: 'Backup.resetStatus status: available | error → string',
    why: 'Every value that was accepted still is; the TypeScript type widens.',
  },

  // Structs (nested object types).
  {
    id: 'struct-added',
    meaning: 'A new struct type is exported.',
    sdk: N,
    wire: N,
    example: 'Volume struct ImageUpload added',
    why: 'Only a new export.',
  },
  {
    id: 'struct-removed',
    meaning: 'A struct type is no longer exported.',
    sdk: B,
    wire: N,
    example: 'Volume struct Link removed',
    why: 'Code naming the type no longer compiles; the JSON is the same.',
  },

  // Statuses and lifecycles (`status` of a resource file): the statuses the SDK types, the states its
  // waiters act on, and the steps operations take, which the fake cloud runs. For lifecycles the wire
  // audience is a client that relies on what the spec says the cloud does after a request.
  {
    id: 'status-value-added',
    meaning: "A status joins the resource's declared statuses (`status.values`).",
    sdk: N,
    wire: N,
    example: 'VolumeStatus gains reverting',
    why: 'The status already read as a string (the type stays open to any); waitForStatus now also takes it.',
  },
  {
    id: 'status-value-removed',
    meaning: "A status leaves the resource's declared statuses.",
    sdk: B,
    wire: N,
    example: 'VolumeStatus loses downloading',
    why: 'Code passing it to waitForStatus or naming it as a VolumeStatus no longer compiles; replies that carry it still read (the type stays open).',
  },
  {
    id: 'status-values-declared',
    meaning:
      "A resource's statuses are listed for the first time: a new `<Resource>Status` type closes its waitForStatus targets.",
    sdk: B,
    wire: N,
    example: 'Group gets status.values (GroupStatus)',
    why: 'waitForStatus took any string and now takes only the listed statuses: a call with another string, or a string variable, no longer compiles; nothing on the wire changes.',
  },
  {
    id: 'status-values-undeclared',
    meaning: "A resource's status list is dropped: its `<Resource>Status` type is gone.",
    sdk: B,
    wire: N,
    example: 'Group loses status.values',
    why: 'Code naming GroupStatus no longer compiles (waitForStatus takes any string again); nothing on the wire changes.',
  },
  {
    id: 'status-waiter-states-changed',
    meaning: 'The failure or deleted states the waiters act on changed.',
    sdk: B,
    wire: N,
    example: 'Volume failures gain error_extending',
    why: 'The same wait now ends with ResourceFailureError where it kept polling, or keeps polling where it failed; requests are the same.',
  },
  {
    id: 'status-field-changed',
    meaning: 'The field the waiters and lifecycles read as the status is another one.',
    sdk: B,
    wire: N,
    example: 'Attachment status field status → attach_status',
    why: 'The same waitForStatus call now watches another field; requests are the same.',
  },
  {
    id: 'transition-added',
    meaning: 'An operation gains a declared lifecycle step (`status.transitions`).',
    sdk: N,
    wire: N,
    example: 'Group.update: available → updating → available',
    why: 'No type or request changes: the spec now says what the cloud does, and the fake cloud runs the step (done on the next read unless delayed).',
  },
  {
    id: 'transition-removed',
    meaning: "An operation's lifecycle step is no longer declared.",
    sdk: N,
    wire: B,
    example: 'Volume.retype loses in-use → retyping → available',
    why: 'No type or request changes, but clients that wait for the end status the spec promised lose that promise, and the fake cloud no longer moves the status.',
  },
  {
    id: 'transition-changed',
    meaning: 'A lifecycle step goes through, or ends in, another status, removes the resource, or sets other fields.',
    sdk: N,
    wire: B,
    example: 'Volume.extend to available → in-use',
    why: 'The same call leaves the resource in another status: code waiting for the old one waits for a status that never comes.',
  },
  {
    id: 'transition-precondition-narrowed',
    meaning: 'An operation is allowed in fewer statuses than before (its `from`).',
    sdk: N,
    wire: B,
    example: 'Volume.delete from available, error → available',
    why: "Calls made in a status that was allowed are now refused with Cinder's 400 (the fake cloud refuses them too).",
  },
  {
    id: 'transition-precondition-widened',
    meaning: 'An operation is allowed in more statuses than before, or in any.',
    sdk: N,
    wire: N,
    example: 'Volume.extend from available → available, in-use',
    why: 'Every call that was allowed still is.',
  },
  {
    id: 'transition-delay-changed',
    meaning: "How long a lifecycle step takes on the fake cloud's clock changed (its `delay`).",
    sdk: N,
    wire: N,
    example: 'Backup.create delay none → 5000 ms',
    why: "Only the fake cloud's timing changes (a test's delays option still wins); the statuses, the types and the requests are the same.",
  },
  {
    id: 'members-changed',
    meaning:
      'Which records of another resource belong to this one, or what the fake cloud does with them (`members`), changed.',
    sdk: N,
    wire: N,
    example: 'Group members: Volume by group_id, add add_volumes → also match volume_type in volume_types',
    why: 'No type or request changes: the spec now says otherwise what Cinder does with related records, and the fake cloud follows it.',
  },
  {
    id: 'stored-as-changed',
    meaning: "The resource whose records the fake cloud serves this one's API over (`stored_as`) changed.",
    sdk: N,
    wire: N,
    example: 'ConsistencyGroup stored as Group',
    why: 'No type or request changes: only where the fake cloud keeps the records, and so which API finds them.',
  },
  {
    id: 'fake-declaration-changed',
    meaning:
      'What the spec declares for the fake cloud only changed: key/value rows of a map field (`map`), access lists (`access`), records Cinder starts with (`seed`), an update answering its body (`echo`).',
    sdk: N,
    wire: N,
    example: "Type.extraSpecs: Cinder's 404 for a missing key reworded",
    why: 'No type or request changes: only what the fake cloud stores and answers follows Cinder differently.',
  },

  // Refusals and outcomes (`checks`, `copy`, `creates`, `answers` of a resource file): what Cinder's
  // code checks before it acts and what an operation makes, which the fake cloud runs. As for
  // lifecycles, the wire audience is a client that relies on what the spec says the cloud does.
  {
    id: 'check-added',
    meaning: 'An operation gains a declared refusal (`checks`): a condition under which Cinder answers an error.',
    sdk: N,
    wire: B,
    example: 'Volume.extend refused when the new size is not larger',
    why: 'No type or request changes, but calls the spec let through are now refused (the fake cloud refuses them too).',
  },
  {
    id: 'check-removed',
    meaning: 'A declared refusal of an operation is gone.',
    sdk: N,
    wire: N,
    example: 'Type.delete no longer refused while volumes use the type',
    why: 'Every call that was accepted still is; calls that were refused may now succeed.',
  },
  {
    id: 'check-changed',
    meaning: 'A declared refusal answers another status or message, or holds under another condition or microversions.',
    sdk: N,
    wire: B,
    example: 'Snapshot.delete refusal message reworded',
    why: "Code matching Cinder's words or status, or relying on when a call is refused, sees another answer.",
  },
  {
    id: 'outcome-changed',
    meaning:
      'What an operation makes is declared differently (`copy`, `creates`, `answers`): fields a new record takes, records it creates, its answer.',
    sdk: N,
    wire: B,
    example: 'Backup.restore no longer creates a volume',
    why: 'No type or request changes, but the records and answers a client reads after the call differ (on the fake cloud too).',
  },

  {
    id: 'effect-added',
    meaning: 'An operation gains declared effects on other records (`effects`).',
    sdk: N,
    wire: N,
    example: 'Transfer.accept: the volume moves to the accepting project',
    why: 'No type or request changes: the spec now says what the cloud does to the other records, and the fake cloud does it.',
  },
  {
    id: 'effect-removed',
    meaning: "An operation's effects on other records are no longer declared.",
    sdk: N,
    wire: B,
    example: 'Attachment.complete no longer marks the volume in-use',
    why: 'No type or request changes, but code relying on what the spec said the call does to other records loses that promise, and the fake cloud no longer does it.',
  },
  {
    id: 'effect-changed',
    meaning: "An operation's effects on other records changed (their targets, conditions, refusals or values).",
    sdk: N,
    wire: B,
    example: 'Transfer.create: the volume must be available → available or in-use',
    why: 'The same call leaves other records in another state, or is refused where it was accepted: code waiting for the old state waits for one that never comes.',
  },
  {
    id: 'fake-view-changed',
    meaning:
      'How the fake cloud shows or finds records changed (`summary_fields`, `shown_only_by`, `any_project`, `project_scoped`, `rows_from`).',
    sdk: N,
    wire: N,
    example: 'Transfer summary_fields gains volumeId',
    why: "Only the fake cloud's answers change; the SDK's types and requests are the same.",
  },

  // Facts about the server that only the fake cloud runs: quota keys and what each counts, aggregated
  // responses, values Cinder fills in on create.
  {
    id: 'server-facts-changed',
    meaning: "What the fake cloud computes or fills in: a `quota`, an `aggregate`, a field's `server_default`.",
    sdk: N,
    wire: N,
    example: 'Volume.availability_zone server_default none → nova',
    why: "No type or request changes: only the fake cloud's quotas, totals and filled-in values follow the new declaration.",
  },

  // Proxy methods (the SDK surface only; the operations they send are diffed above).
  {
    id: 'method-added',
    meaning: 'A new Proxy method (and standalone function).',
    sdk: N,
    wire: N,
    example: 'BlockStorageV2.revertVolumeToSnapshot added',
    why: 'Only a new method.',
  },
  {
    id: 'method-removed',
    meaning: 'A Proxy method is gone.',
    sdk: B,
    wire: N,
    example: 'BlockStorageV2.getVolumeMetadata removed',
    why: 'Code calling it no longer compiles; no request changes by itself.',
  },
  {
    id: 'method-renamed',
    meaning: 'Same calls, new method name.',
    sdk: B,
    wire: N,
    example: 'BlockStorageV2.backendPools → pools',
    why: 'Code calling it by its old name no longer compiles; the requests are the same.',
  },
  {
    id: 'method-deprecated',
    meaning: 'A method was deprecated or undeprecated.',
    sdk: N,
    wire: N,
    example: 'BlockStorageV2.getVolumeMetadata deprecated: Use fetchVolumeMetadata.',
    why: 'Deprecation is a doc comment; the code and the requests are the same.',
  },
  {
    id: 'method-signature-changed',
    meaning: 'Parameters or return type changed in a way no argument change above explains.',
    sdk: B,
    wire: N,
    example: 'deleteVolume(volume, options) → deleteVolume(volume, force, options)',
    why: 'Calls written against the old parameters or return type no longer compile.',
  },
  {
    id: 'method-option-added',
    meaning: 'A new optional option of a method, not from an operation argument.',
    sdk: N,
    wire: N,
    example: 'deleteVolume options gain force',
    why: 'Calls that leave it out behave as before.',
  },
  {
    id: 'method-operation-changed',
    meaning:
      'A method sends other operations: its call, switch alternatives, their microversion ranges or loops changed.',
    sdk: N,
    wire: B,
    example: 'deleteVolume force: os-force_delete action → DELETE ?force at 3.23+',
    why: 'The same call now sends other requests (or at other microversions), which clouds may serve differently.',
  },

  // Text only.
  {
    id: 'description-changed',
    meaning: 'A description changed (doc comments, api-ref text).',
    sdk: D,
    wire: D,
    example: 'Volume.extend description reworded',
    why: 'Text only: no code and no request changes.',
  },
] as const satisfies readonly Rule[];

export type RuleId = (typeof RULES)[number]['id'];

export const RULES_BY_ID: ReadonlyMap<RuleId, Rule> = new Map(RULES.map((r) => [r.id, r]));

/** The README section: one table row per rule. */
export function rulesMarkdown(): string {
  // A `|` inside a cell (an enum `asc | desc`) would end the cell.
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const rows = RULES.map(
    (r) => `| \`${r.id}\` | ${cell(r.meaning)} | ${r.sdk} | ${r.wire} | ${cell(r.why)} | ${cell(r.example)} |`,
  );
  return ['| rule | meaning | SDK | wire | why | example |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
