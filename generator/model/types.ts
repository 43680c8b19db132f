/**
 * The typed intermediate model. Emitters read only this, never raw YAML: every default is applied,
 * every reference resolved and every name checked before anything is emitted.
 */
import type { FakeAnswer, FakeCheck, FakeCopy, FakeCreates } from '../../fake/model.js';
import type { Position } from '../load/diagnostics.js';

export type ScalarName = 'string' | 'integer' | 'number' | 'boolean' | 'boolstr' | 'object' | 'any';

export type TypeRef =
  | { readonly kind: 'scalar'; readonly name: ScalarName }
  | { readonly kind: 'list'; readonly of: TypeRef }
  | { readonly kind: 'map'; readonly of: TypeRef }
  | { readonly kind: 'struct'; readonly name: string }
  | { readonly kind: 'resource'; readonly name: string };

export interface VersionRange {
  readonly minVersion?: string | undefined;
  readonly maxVersion?: string | undefined;
}

export interface FieldModel extends VersionRange {
  readonly name: string;
  readonly wire: string;
  readonly type: TypeRef;
  readonly description: string;
  readonly create: boolean;
  readonly update: boolean;
  readonly placement?: 'root' | 'flatten' | undefined;
  /** Sending the field needs this microversion (defaults to minVersion). */
  readonly writeMinVersion?: string | undefined;
  /** Values still accepted (and ignored) after maxVersion; others are refused there with message. */
  readonly toleratedAfterMax?:
    { readonly values: readonly (string | number | boolean)[]; readonly message: string } | undefined;
  readonly enum?: readonly string[] | undefined;
  readonly deprecated?: string | undefined;
  /** The key it is sent under on create, when that is not `wire`. */
  readonly createWire?: string | undefined;
  /** `deprecated: {use: …}`: an old name of this field (same keys), kept as an alias. */
  readonly aliasOf?: string | undefined;
  /** A map field kept as Cinder keeps its key/value rows (read by the fake cloud only). */
  readonly map?: MapModel | undefined;
  /** What Cinder fills in when a create leaves the field out (read by the fake cloud only). */
  readonly serverDefault?: ServerDefaultModel | undefined;
  readonly source: Position;
}

/** `access:` of a resource: field and operation names, and Cinder's messages. */
export interface AccessModel {
  readonly public: string;
  readonly filter?: string | undefined;
  readonly add?: string | undefined;
  readonly remove?: string | undefined;
  readonly show?: string | undefined;
  readonly exists?: string | undefined;
  readonly missing?: string | undefined;
  readonly publicList?: string | undefined;
}

/** `map:` of a map field: what the fake cloud cannot infer from the sub-resource routes. */
export interface MapModel {
  /** Cinder's 404 message for a missing key, with {id} and {key}. */
  readonly missing?: string | undefined;
  /** The message for reading a missing key, where Cinder words it otherwise than for a delete. */
  readonly missingOnRead?: string | undefined;
  /** An update adds and changes keys instead of replacing the map. */
  readonly mergeOnUpdate: boolean;
  /** Operations that add or change the keys of their map argument. */
  readonly set: readonly string[];
  /** Operations that remove the key(s) of their string or list<string> argument. */
  readonly unset: readonly string[];
  /** Operations that answer the map; an empty one is the missing 404. */
  readonly show: readonly string[];
  /** Admin metadata rows an operation writes (key ← argument), shown in the record's views only. */
  readonly admin: readonly { readonly operation: string; readonly key: string; readonly arg: string }[];
}

export interface StructModel {
  readonly name: string;
  readonly description: string;
  readonly fields: readonly FieldModel[];
  readonly source: Position;
}

export interface ArgModel extends VersionRange {
  readonly name: string;
  readonly wire: string;
  readonly in: 'body' | 'query' | 'path';
  readonly type: TypeRef;
  /** A related resource given as ID or instance; its ID is sent. */
  readonly ref?: string | undefined;
  readonly required: boolean;
  readonly default?: string | number | boolean | undefined;
  readonly enum?: readonly string[] | undefined;
  readonly description: string;
  /** Where the argument is declared (its key under `args:`). */
  readonly source?: Position | undefined;
}

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A request body template: literal JSON with argument and target-field holes. */
export type BodyTemplate =
  | { readonly kind: 'literal'; readonly value: JsonValue }
  | { readonly kind: 'arg'; readonly name: string }
  | { readonly kind: 'self'; readonly field: string }
  /** Entries: literal key, value, and (for a `$arg` key) the argument whose value is the key. */
  | {
      readonly kind: 'object';
      readonly entries: readonly (readonly [string, BodyTemplate, { readonly arg: string }?])[];
    }
  | { readonly kind: 'array'; readonly items: readonly BodyTemplate[] };

export type ResponseModel =
  | { readonly kind: 'none' }
  | { readonly kind: 'resource'; readonly resource: string; readonly key?: string | undefined }
  | { readonly kind: 'merge' }
  | {
      readonly kind: 'value';
      readonly key?: string | undefined;
      /** The value is under the key named by this argument (`key: $key`). */
      readonly keyArg?: string | undefined;
      /**
       * The value is under a path of keys (`key: [meta, $key]` reads `{"meta": {<key>: value}}`);
       * set instead of key and keyArg when the spec gives more than one key.
       */
      readonly keyPath?: readonly KeySegment[] | undefined;
      readonly type: TypeRef;
    };

/** One key of a response key path: a literal key, or the value of an argument. */
export type KeySegment = { readonly literal: string } | { readonly arg: string };

export interface RouteModel extends VersionRange {
  readonly method: HttpMethod;
  readonly path: string;
  /** list operations: the detail path of this route. */
  readonly detailPath?: string | undefined;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type OperationKind = 'create' | 'get' | 'update' | 'delete' | 'list' | 'action' | 'request';

export interface OperationModel extends VersionRange {
  readonly name: string;
  /** Resource-qualified id, e.g. `Volume.extend`. */
  readonly id: string;
  readonly kind: OperationKind;
  readonly description: string;
  readonly method: HttpMethod;
  readonly path: string;
  /** list: the path with details (e.g. /volumes/detail). */
  readonly detailPath?: string | undefined;
  /** `version`: the path is relative to the versioned root without the project segment. */
  readonly base: 'endpoint' | 'version';
  /** The response is the resource itself, not wrapped in the resource key. */
  readonly bareResponse: boolean;
  /** update: Cinder answers the request body as sent (read by the fake cloud). */
  readonly echo: boolean;
  /** Sent once more at this route when the first answers status with a message containing message. */
  readonly fallback?:
    | { readonly status: number; readonly message: string; readonly method: HttpMethod; readonly path: string }
    | undefined;
  /** The Cinder policy rule the operation is checked against, and who its default allows. */
  readonly policy?: PolicyModel | undefined;
  readonly paginated: boolean;
  readonly routes: readonly RouteModel[];
  readonly args: readonly ArgModel[];
  /** `resource`: the resource's own fields (create/update). */
  readonly body?: BodyTemplate | 'resource' | undefined;
  readonly response: ResponseModel;
  /** Placeholders of the path, in order. */
  readonly pathParams: readonly string[];
  /** The response is computed over the records the caller sees (read by the fake cloud only). */
  readonly aggregate?: readonly AggregateModel[] | undefined;
  readonly source: Position;
}

/**
 * Who may call an operation, as Cinder's policy defaults say (cinder/policies/*.py): `admin` is
 * `rule:admin_api`, `member` a member of the project or an administrator, `reader` a reader of the
 * project or an administrator. Read by the docs and the fake cloud; the SDK sends the same either way.
 */
export type PolicyAllows = 'admin' | 'member' | 'reader';

export interface PolicyModel {
  /** The rule's name, e.g. `volume_extension:services:index` (Cinder's 403 names it). */
  readonly rule: string;
  readonly allows: PolicyAllows;
  /** Cinder's 403 message when the handler words its own (default: `Policy doesn't allow <rule> to be performed.`). */
  readonly message?: string | undefined;
  readonly source?: Position | undefined;
}

/** How an operation moves a resource's status (`status.transitions`; read by the fake cloud only). */
export interface TransitionModel {
  /** The operation's name on the resource, e.g. `extend`. */
  readonly operation: string;
  /** Statuses the operation is allowed in (empty: any). */
  readonly from: readonly string[];
  /** The status while it runs. */
  readonly via?: string | undefined;
  /** The status once it completes. */
  readonly to?: string | undefined;
  /** The resource is gone once it completes. */
  readonly gone: boolean;
  /** Milliseconds it takes on the fake cloud's clock (undefined: it completes on the next read). */
  readonly delay?: number | undefined;
  /** Cinder's 400 message when `from` refuses the call ({id}, {status} filled in); undefined: the engine's. */
  readonly message?: string | undefined;
  /** Fields set from the operation's arguments when it completes. */
  readonly set: readonly { readonly field: string; readonly arg: string }[];
  /** Fields set to literal values when it completes (Cinder's own: a snapshot's progress 100%). */
  readonly fill?: readonly { readonly field: string; readonly value: string | number | boolean | null }[] | undefined;
  /** Where it is declared (spec:diff points at it). */
  readonly source?: Position | undefined;
}

/**
 * The `checks`, `copy`, `creates` and `answers` sections (read by the fake cloud only), by operation
 * name, in the fake model's shapes with TypeScript field names (the fake model gets wire names).
 */
export interface RulesModel {
  readonly checks: Readonly<Record<string, readonly FakeCheck[]>>;
  readonly copy: Readonly<Record<string, readonly FakeCopy[]>>;
  readonly creates: Readonly<Record<string, readonly FakeCreates[]>>;
  readonly answers: Readonly<Record<string, FakeAnswer>>;
  /** `checks.extend` → where it is declared (spec:diff points at it). */
  readonly sources: Readonly<Record<string, Position>>;
  /** Other resources and their fields the declarations name, checked once the service is built. */
  readonly references: readonly {
    readonly resource: string;
    readonly path: string;
    readonly at: Position;
    readonly fields: readonly { readonly field: string; readonly path: string; readonly at: Position }[];
  }[];
}

/**
 * A value an effect computes: an argument of the operation (`$arg`), a field of the operating
 * record (`.field`, `.kept.path`), something the cloud supplies (`@now`, `@project`, `@user`,
 * `@uuid`, `@hex16`), a literal, or an object of them. `|` alternatives take the first that is set.
 */
export type EffectValue =
  | { readonly kind: 'arg'; readonly arg: string }
  | { readonly kind: 'self'; readonly path: readonly string[] }
  | {
      readonly kind: 'cloud';
      readonly what: 'now' | 'project' | 'user' | 'uuid' | 'hex';
      readonly length?: number | undefined;
    }
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, EffectValue])[] }
  | { readonly kind: 'first'; readonly options: readonly EffectValue[] };

/**
 * What an operation does to another record, or (without `resource`) to the record it acts on
 * beyond its status transition (`effects`; read by the fake cloud only).
 */
export interface EffectModel {
  readonly operation: string;
  /** The other resource; undefined: the operating record itself. */
  readonly resource?: string | undefined;
  /** The other record's ID (one record; a missing one is a 404). */
  readonly id?: EffectValue | undefined;
  /** Every record of `resource` whose field (TS name) equals the value. */
  readonly where: readonly { readonly field: string; readonly value: EffectValue }[];
  /** Applies only when the value is set and not false. */
  readonly when?: EffectValue | undefined;
  /** Applies only when the value is unset or false. */
  readonly unless?: EffectValue | undefined;
  /** Statuses the target must be in: else Cinder's refusal (`refuse`), or the effect is skipped. */
  readonly from: readonly string[];
  /** Fields (TS names) that must equal values: else the refusal. */
  readonly require: readonly { readonly field: string; readonly value: EffectValue }[];
  /** Cinder's message when `from` or `require` fails (`{id}`, `{status}` filled in). */
  readonly refuse?: string | undefined;
  /** The HTTP status of the refusal (default 400). */
  readonly refuseStatus: number;
  /** The target's new status. */
  readonly status?: string | undefined;
  /** The status the target reaches next (a transition of its own, on the fake clock, like `to`). */
  readonly to?: string | undefined;
  readonly set: readonly { readonly field: string; readonly value: EffectValue }[];
  /** Values kept on the target beside its fields (Cinder's columns no view shows), by name. */
  readonly keep: readonly { readonly name: string; readonly value: EffectValue }[];
  /** A list field (TS name) gains the value. */
  readonly append: readonly { readonly field: string; readonly value: EffectValue }[];
  /** A list field (TS name) loses the items whose wire key equals the value. */
  readonly drop: readonly { readonly field: string; readonly key: string; readonly value: EffectValue }[];
  /** The target moves to the caller's project (and user). */
  readonly owner?: 'caller' | undefined;
  /** The target is removed. */
  readonly remove: boolean;
  /** Applied after the answer is made: Cinder answers the record as it was before this step. */
  readonly after: boolean;
  readonly source?: Position | undefined;
}

/** A listing whose rows are records of another resource (`rows_from`; the fake cloud only). */
export interface RowsFromModel {
  readonly resource: string;
  readonly where: readonly { readonly field: string; readonly value: EffectValue }[];
  /** Row field (TS name) → value over the other record (`.field`) or a literal. */
  readonly fields: readonly { readonly field: string; readonly value: EffectValue }[];
}

export interface RelationsModel {
  readonly effects: readonly EffectModel[];
  /** Fields (TS names) of the summary view (list without details), when not id, name and links. */
  readonly summaryFields?: readonly string[] | undefined;
  /** Fields (TS names) only the answers of these operations show. */
  readonly shownOnlyBy: readonly { readonly field: string; readonly operations: readonly string[] }[];
  /** Operations that find the record the path names in every project (Cinder reads it elevated). */
  readonly anyProject: readonly string[];
  /** Records belong to the creating project though no field shows it (a transfer: its volume's). */
  readonly projectScoped: boolean;
  readonly rowsFrom?: RowsFromModel | undefined;
  readonly source?: Position | undefined;
}

export interface StatusModel {
  readonly field: string;
  /** Every status the resource takes (`status.values`); empty when the spec does not list them. */
  readonly values: readonly string[];
  readonly failures: readonly string[];
  readonly deleted: readonly string[];
  readonly progress?: string | undefined;
  readonly transitions: readonly TransitionModel[];
  /** Where the `status` section is (spec:diff points at it). */
  readonly source?: Position | undefined;
}

/**
 * Records made with a member relation when an operation runs (`members[].made_by`): for each
 * record of `each.resource` matching `each.where`, a member made with `member`'s fields; the owner
 * takes `set`'s fields first. Values are paths: `$arg`, `self` (the owner record), `each` (the
 * source record), then `.wire` (a field) and `@Resource` (the record an ID names). Read by the fake
 * cloud only.
 */
export interface MadeByModel {
  /** A path that must be set for this alternative to apply (e.g. the argument naming the source). */
  readonly when?: string | undefined;
  /** Owner field (wire name) → path. */
  readonly set: Readonly<Record<string, string>>;
  readonly each?: { readonly resource: string; readonly where: Readonly<Record<string, string>> } | undefined;
  /** Member field (wire name) → path. */
  readonly member: Readonly<Record<string, string>>;
  /** Refuse the operation with this 400 message (`{$arg}` is an argument's value) instead. */
  readonly refuse?: string | undefined;
}

/**
 * Records of another resource that belong to this one through a field of theirs (`members`):
 * a group's volumes by their group_id. Field names are wire names, as stored (shared by every
 * version of the API). Read by the fake cloud only.
 */
export interface MembersModel {
  readonly resource: string;
  /** The member's field (wire name) that holds the owner's ID. */
  readonly field: string;
  /** The owner's field (wire name) answered with the members' IDs, only when `arg` is true. */
  readonly list?: { readonly field: string; readonly arg: string } | undefined;
  /** Update fields (wire names): comma-separated IDs that join or leave. */
  readonly add?: string | undefined;
  readonly remove?: string | undefined;
  /** A member joins only when its `member` field's value is in the owner's `owner` list. */
  readonly match?: { readonly member: string; readonly owner: string } | undefined;
  /** On delete: the members go with the owner; with `arg`, only when it is true, else `refuse` (400). */
  readonly delete?: { readonly arg?: string | undefined; readonly refuse?: string | undefined } | undefined;
  /** Operation name → alternatives (the first whose `when` holds applies). */
  readonly madeBy: Readonly<Record<string, readonly MadeByModel[]>>;
  /** Where it is declared (errors and spec:diff point at it). */
  readonly source?: Position | undefined;
  /** Where each key below it is (`field`, `made_by.create.0.set.name`…), for the checks across resources. */
  readonly at?: Readonly<Record<string, Position>> | undefined;
}

/** The resource is served over another's records (`stored_as`): the legacy API over the new one. */
export interface StoredAsModel {
  readonly resource: string;
  /** This resource's wire name → the stored one, where they differ. */
  readonly fields: Readonly<Record<string, string>>;
  readonly source?: Position | undefined;
  /** Where each key below it is (`resource`, `fields.consistencygroup_id`). */
  readonly at?: Readonly<Record<string, Position>> | undefined;
}

export interface ResourceModel extends VersionRange {
  readonly name: string;
  readonly file: string;
  /** Spec files this resource came from (its base first when it uses `extends`). */
  readonly sources: readonly string[];
  readonly description: string;
  readonly resourceKey?: string | undefined;
  readonly resourcesKey?: string | undefined;
  /** Cinder's 404 message for an unknown ID, `{id}` filled in (read by the fake cloud). */
  readonly notFound?: string | undefined;
  /** The collection path of a record's links when it is not basePath (read by the fake cloud). */
  readonly linksPath?: string | undefined;
  readonly basePath: string;
  /** Path placeholder → TS field name. */
  readonly pathParams: ReadonlyMap<string, { readonly field: string; readonly description?: string | undefined }>;
  readonly idField: string;
  readonly nameField: string;
  readonly keepUnknown: boolean;
  readonly quotaUsage: boolean;
  /** Records Cinder has from the start, by field name; a value may be `{setting, value}` (read by the fake cloud). */
  readonly seed: readonly Readonly<Record<string, JsonValue>>[];
  /** Public and private records with access lists (read by the fake cloud). */
  readonly access?: AccessModel | undefined;
  /** Its part in Cinder's quota engine (read by the fake cloud only). */
  readonly quota?: QuotaModel | undefined;
  readonly status?: StatusModel | undefined;
  readonly members: readonly MembersModel[];
  readonly storedAs?: StoredAsModel | undefined;
  readonly rules?: RulesModel | undefined;
  /** What the resource's operations do to other records and how its views read (the fake cloud only). */
  readonly relations?: RelationsModel | undefined;
  readonly fields: readonly FieldModel[];
  readonly structs: readonly StructModel[];
  readonly operations: readonly OperationModel[];
  readonly methods: readonly ProxyMethodModel[];
  readonly source: Position;
}

/** How a proxy parameter is turned into request values. */
export type ParamRole =
  /** The resource the call acts on: `string | Volume`; fills the path. */
  | {
      readonly kind: 'target';
      readonly resource: string;
      readonly instanceOnly: boolean;
      readonly parent?: { readonly resource: string; readonly field: string } | undefined;
      readonly defaultId?: string | undefined;
    }
  /** Attributes for create/update: `VolumeCreate` / `VolumeUpdate`. */
  | { readonly kind: 'attrs'; readonly resource: string; readonly mode: 'create' | 'update' }
  /** Name or ID for find. */
  | { readonly kind: 'nameOrId' }
  /** An operation argument. */
  | { readonly kind: 'arg'; readonly arg: ArgModel }
  /** A proxy-only parameter (switch condition, for_each list). */
  | { readonly kind: 'extra'; readonly type: TypeRef }
  /** list/find: choose the detail path. */
  | { readonly kind: 'details'; readonly default: boolean }
  /** delete/find: tolerate absence. */
  | { readonly kind: 'ignoreMissing'; readonly default: boolean };

export interface ProxyParam {
  readonly name: string;
  readonly description: string;
  readonly positional: boolean;
  readonly optional: boolean;
  readonly role: ParamRole;
}

export interface ForEachModel {
  readonly param: string;
  readonly as: string;
  readonly fromField?: string | undefined;
}

export interface CallPlan {
  readonly operation: string;
  readonly forEach?: ForEachModel | undefined;
}

export interface ExampleExchange {
  readonly request: {
    readonly method: HttpMethod;
    readonly path: string;
    readonly query: Readonly<Record<string, string | readonly string[]>>;
    readonly headers: Readonly<Record<string, string | null>>;
    readonly body?: JsonValue | undefined;
  };
  readonly response: {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: JsonValue | undefined;
  };
}

export interface ExampleModel {
  readonly title: string;
  readonly args: readonly JsonValue[];
  readonly exchanges: readonly ExampleExchange[];
  readonly result?: JsonValue | undefined;
  readonly hasResult: boolean;
  readonly error?: string | undefined;
  /** The test server's maximum microversion for this example. */
  readonly serverVersion?: string | undefined;
  readonly source: Position;
}

export type ProxyMethodKind =
  'list' | 'get' | 'find' | 'create' | 'update' | 'delete' | 'call' | 'waitStatus' | 'waitDelete';

export interface ProxyMethodModel {
  readonly name: string;
  /** The resource file that declares it; undefined for service-level helpers. */
  readonly resource?: string | undefined;
  readonly kind: ProxyMethodKind;
  readonly description: string;
  readonly deprecated?: string | undefined;
  readonly params: readonly ProxyParam[];
  /** The default plan, then the alternatives chosen by a truthy parameter. */
  readonly plan?: CallPlan | undefined;
  /** Alternatives, with the microversion range (of the default operation) in which each applies. */
  readonly switches: readonly (CallPlan & VersionRange & { readonly if: string })[];
  /** find: the operations used. */
  readonly find?:
    | {
        readonly get?: string | undefined;
        readonly list: string;
        readonly byId: boolean;
        readonly nameFilter: 'server' | 'client';
      }
    | undefined;
  /** The TS type the method resolves to, described structurally. */
  readonly returns: ReturnModel;
  readonly examples: readonly ExampleModel[];
  readonly source: Position;
}

export type ReturnModel =
  | { readonly kind: 'void' }
  | { readonly kind: 'resource'; readonly resource: string; readonly optional: boolean }
  | { readonly kind: 'paginated'; readonly resource: string }
  | { readonly kind: 'value'; readonly type: TypeRef };

export interface ServiceModel {
  readonly serviceType: string;
  readonly aliases: readonly string[];
  readonly version: string;
  readonly endpointVersions: readonly string[];
  readonly className: string;
  readonly attribute: string;
  readonly description: string;
  readonly microversion?: { readonly headerService: string; readonly min: string; readonly max: string } | undefined;
  /** Directory of the spec, e.g. spec/block-storage/v2. */
  readonly specDir: string;
  /** Output directory, e.g. generated/block-storage/v2. */
  readonly outDir: string;
  readonly serviceFile: string;
  readonly resources: readonly ResourceModel[];
  readonly helpers: readonly ProxyMethodModel[];
}

export interface SpecModel {
  readonly services: readonly ServiceModel[];
}

// Facts about the server that only the fake cloud reads (quotas, aggregates, filled-in values).

/** How a number (or the values) is computed over records. */
export type Measure = 'count' | 'sum' | 'largest' | 'values';

/** A literal, or a deployment setting (named as Cinder's option) with its stock value. */
export type ServerDefaultModel =
  | { readonly value: string | number | boolean }
  | { readonly setting: string; readonly value?: string | number | boolean | undefined };

/** One member of an aggregated response: the struct field (TypeScript name and wire) and how it is computed. */
export interface AggregateModel {
  readonly field: string;
  readonly wire: string;
  readonly measure: Measure;
  /** sum, largest, values: the wire name of the measured field of the resource. */
  readonly of?: string | undefined;
}

export interface QuotaKeyModel {
  /** The quota key as Cinder names it (`volumes`, `backup_gigabytes`). */
  readonly key: string;
  readonly default?: number | undefined;
  readonly measure: Measure;
  readonly of: readonly string[];
  /** sum, largest: the wire name of the measured field. */
  readonly field?: string | undefined;
  /** false: a limit on each record (per_volume_gigabytes), with no in_use. */
  readonly usage: boolean;
}

export interface QuotaModel {
  readonly role: 'project' | 'class' | 'limits';
  /** class, limits: the resource (role project) whose keys apply. */
  readonly of?: string | undefined;
  /** project: the operation that answers the defaults. */
  readonly defaults?: string | undefined;
  /** project: the boolean argument of get that asks for usage. */
  readonly usageArg?: string | undefined;
  /** limits: the argument with which an administrator names another project. */
  readonly projectArg?: string | undefined;
  readonly keys: readonly QuotaKeyModel[];
  /** project: keys made per record of another resource (`volumes_<type name>`). */
  readonly perRecord?:
    | {
        readonly resource: string;
        readonly default?: number | undefined;
        readonly keys: readonly QuotaKeyModel[];
        /** Resource → the wire name of its field holding the record's name or ID. */
        readonly match: Readonly<Record<string, string>>;
      }
    | undefined;
  /** limits: response path (dotted wire names) → the key and what of it is shown. */
  readonly values: readonly { readonly path: string; readonly key: string; readonly value: 'limit' | 'in_use' }[];
  readonly source: Position;
}
