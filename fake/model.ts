/**
 * The prebuilt model the fake cloud runs on: `generated/fake-model.json`, written by the generator
 * (`generator/emit/fake-model.ts`) from the same spec the SDK is generated from, so the fake and the
 * SDK agree by construction. This file is its only definition: the generator imports these types.
 *
 * Types are written as the spec writes them (`string`, `integer`, `boolstr`, `list<T>`, `map<T>`,
 * a struct or resource name); names are wire names unless a member says otherwise.
 */

export interface FakeModel {
  /** The banner: the spec files it comes from and that it is not to be edited. */
  readonly $comment: string;
  readonly services: readonly FakeService[];
}

export interface FakeMicroversions {
  /** The service name of the `OpenStack-API-Version` header, e.g. `volume`. */
  readonly headerService: string;
  readonly min: string;
  readonly max: string;
}

export interface FakeService {
  /** `v2`, `v3`. */
  readonly version: string;
  readonly major: number;
  readonly serviceType: string;
  readonly microversion?: FakeMicroversions;
  readonly resources: readonly FakeResource[];
}

export interface FakeRange {
  readonly min?: string;
  readonly max?: string;
}

export interface FakeField extends FakeRange {
  /** The TypeScript name (transitions and messages use it). */
  readonly name: string;
  readonly wire: string;
  readonly type: string;
  readonly create?: true;
  readonly update?: true;
  /** `root`: beside the resource key in request bodies; `flatten`: its entries beside it. */
  readonly placement?: 'root' | 'flatten';
  /** Sending the field needs this microversion. */
  readonly writeMin?: string;
  /** The key it is sent under on create, when that is not `wire`. */
  readonly createWire?: string;
  /** Values accepted (and ignored) after max; any other is refused with message. */
  readonly toleratedAfterMax?: { readonly values: readonly (string | number | boolean)[]; readonly message: string };
  readonly enum?: readonly string[];
  /** A map field kept as Cinder keeps its key/value rows (`map:` in the spec). */
  readonly map?: FakeMap;
  /** What Cinder fills in when a create leaves the field out: a literal, or a deployment setting (with its stock value). */
  readonly serverDefault?: FakeServerDefault;
}

export interface FakeServerDefault {
  /** The name of the deployment setting (Cinder's option), which the fake's `settings` option may set. */
  readonly setting?: string;
  readonly value?: string | number | boolean;
}

/** How a number (or the values) is computed over records. */
export type FakeMeasure = 'count' | 'sum' | 'largest' | 'values';

export interface FakeQuotaKey {
  readonly default?: number;
  readonly measure: FakeMeasure;
  /** Resource names whose records it counts. */
  readonly of: readonly string[];
  /** sum, largest: the wire name of the measured field. */
  readonly field?: string;
  /** A limit on each record (per_volume_gigabytes), with no in_use. */
  readonly perRecordLimit?: true;
}

/** A resource's part in Cinder's quota engine (cinder/quota.py). */
export interface FakeQuota {
  readonly role: 'project' | 'class' | 'limits';
  /** class, limits: the project quota resource whose keys apply. */
  readonly of?: string;
  /** project: the operation answering the defaults. */
  readonly defaults?: string;
  /** project: the boolean argument of get that asks for usage. */
  readonly usageArg?: string;
  /** limits: the argument with which an administrator names another project. */
  readonly projectArg?: string;
  /** Quota key → what it counts. */
  readonly keys: Readonly<Record<string, FakeQuotaKey>>;
  /** Keys made per record of another resource: `<key>_<record name>`. */
  readonly perRecord?: {
    readonly resource: string;
    readonly default?: number;
    readonly keys: Readonly<Record<string, FakeQuotaKey>>;
    /** Resource → the wire name of its field holding the record's name or ID. */
    readonly match: Readonly<Record<string, string>>;
  };
  /** limits: response path (dotted wire names) → key and what of it. */
  readonly values?: Readonly<Record<string, { readonly key: string; readonly value: 'limit' | 'in_use' }>>;
}

/** What the spec declares of a map field's key/value rows (operations by name). */
export interface FakeMap {
  /** Cinder's 404 message for a missing key, with {id} and {key}. */
  readonly missing?: string;
  /** The message for reading a missing key, where Cinder words it otherwise. */
  readonly missingOnRead?: string;
  /** An update adds and changes the keys it sends instead of replacing the map. */
  readonly mergeOnUpdate?: true;
  readonly set?: readonly string[];
  readonly unset?: readonly string[];
  readonly show?: readonly string[];
  /** Admin metadata rows an operation writes (key ← argument), shown in the record's views only. */
  readonly admin?: readonly { readonly operation: string; readonly key: string; readonly arg: string }[];
}

/** `access:` of a resource: the public field's wire name, operation and argument names, messages. */
export interface FakeAccess {
  readonly public: string;
  /** The list operation's argument: "true", "false" or "none" (administrators). */
  readonly filter?: string;
  readonly add?: string;
  readonly remove?: string;
  readonly show?: string;
  /** 409 when the project has access already ({id}, {project}). */
  readonly exists?: string;
  /** 404 when it has not ({id}, {project}). */
  readonly missing?: string;
  /** 404 for the list of a public record ({id}). */
  readonly publicList?: string;
}

export interface FakeTransition {
  /** Statuses the operation is allowed in (absent: any). */
  readonly from?: readonly string[];
  readonly via?: string;
  readonly to?: string;
  readonly gone?: true;
  /** Fake-clock milliseconds before it completes, as the spec declares (a test's `delays` option wins). */
  readonly delay?: number;
  /** Cinder's whole 400 message when `from` refuses the call; `{id}` and `{status}` are filled in. */
  readonly message?: string;
  /** Field wire name → the argument (by name) whose value it takes when the transition completes. */
  readonly set?: Readonly<Record<string, string>>;
  /** Field wire name → the value it takes when the transition completes. */
  readonly fill?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface FakeStatus {
  /** The wire name of the status field. */
  readonly field: string;
  readonly failures: readonly string[];
  readonly deleted: readonly string[];
  /** Operation name → transition. */
  readonly transitions: Readonly<Record<string, FakeTransition>>;
}

export interface FakeArg extends FakeRange {
  readonly name: string;
  readonly wire: string;
  readonly in: 'body' | 'query' | 'path';
  readonly type: string;
  /** The argument names another resource (its ID is sent). */
  readonly ref?: string;
  readonly required?: true;
  readonly enum?: readonly string[];
  readonly default?: string | number | boolean;
}

export type FakeJson = null | boolean | number | string | readonly FakeJson[] | { readonly [key: string]: FakeJson };

/** A request body as the spec declares it: literal JSON with argument and field holes. */
export type FakeBody =
  | { readonly kind: 'literal'; readonly value: FakeJson }
  | { readonly kind: 'arg'; readonly arg: string }
  | { readonly kind: 'self'; readonly field: string }
  | {
      readonly kind: 'object';
      /** Key, value, and for a `$arg` key the argument whose value is the key. */
      readonly entries: readonly (readonly [string, FakeBody] | readonly [string, FakeBody, string])[];
    }
  | { readonly kind: 'array'; readonly items: readonly FakeBody[] };

export type FakeResponse =
  | { readonly kind: 'none' }
  | { readonly kind: 'resource'; readonly resource: string; readonly key?: string }
  /** The record's fields, under `key` when Cinder wraps them. */
  | { readonly kind: 'merge'; readonly key?: string }
  | {
      readonly kind: 'value';
      readonly key?: string;
      readonly keyArg?: string;
      /** Nested keys (`[meta, $key]` answers `{"meta": {<key>: value}}`), instead of key and keyArg. */
      readonly keyPath?: readonly ({ readonly literal: string } | { readonly arg: string })[];
      readonly type: string;
    };

export interface FakeRoute extends FakeRange {
  readonly method: string;
  readonly path: string;
  readonly detailPath?: string;
}

export type FakeOperationKind = 'create' | 'get' | 'update' | 'delete' | 'list' | 'action' | 'request';

export interface FakeOperation extends FakeRange {
  /** `Volume.extend`. */
  readonly id: string;
  readonly name: string;
  readonly kind: FakeOperationKind;
  readonly method: string;
  readonly path: string;
  readonly detailPath?: string;
  /** `version`: the path hangs off the versioned root, without the project segment. */
  readonly base: 'endpoint' | 'version';
  /** Paths by microversion; the default path applies where none of them does. */
  readonly routes: readonly FakeRoute[];
  readonly args: readonly FakeArg[];
  /** `resource`: the resource's writable fields under its key (create, update). */
  readonly body?: 'resource' | FakeBody;
  readonly response: FakeResponse;
  /** The resource is the body itself, not under its key (`bare_response` in the spec). */
  readonly bare?: true;
  /** update: Cinder answers the request body as sent. */
  readonly echo?: true;
  /** The success status Cinder answers with (from the spec's examples, else by kind). */
  readonly status: number;
  /**
   * The Cinder policy rule checked and who its default allows (`admin`: rule:admin_api); a caller
   * it refuses gets 403 `Policy doesn't allow <rule> to be performed.`
   */
  readonly policy?: {
    readonly rule: string;
    readonly allows: 'admin' | 'member' | 'reader';
    /** Cinder's own wording of the refusal, where its handler has one. */
    readonly message?: string;
  };
  /** The response struct computed over the records the caller sees: member wire name → measure. */
  readonly aggregate?: Readonly<Record<string, { readonly measure: FakeMeasure; readonly field?: string }>>;
}

/** One alternative of `members[].made_by` (paths: `$arg`, `self`, `each`, `.wire`, `@Resource`). */
export interface FakeMadeBy {
  readonly when?: string;
  /** Owner wire name → path. */
  readonly set: Readonly<Record<string, string>>;
  readonly each?: { readonly resource: string; readonly where: Readonly<Record<string, string>> };
  /** Member wire name → path. */
  readonly member: Readonly<Record<string, string>>;
  /** Refuse with this 400 message (`{$arg}` is an argument's value). */
  readonly refuse?: string;
}

/** Records of another resource that belong to this one through their `field` (wire names). */
export interface FakeMembers {
  readonly resource: string;
  readonly field: string;
  /** The owner's field answered with the members' IDs when the argument (by name) is true. */
  readonly list?: { readonly field: string; readonly arg: string };
  readonly add?: string;
  readonly remove?: string;
  /** A member joins only when its `member` field's value is in the owner's `owner` list. */
  readonly match?: { readonly member: string; readonly owner: string };
  readonly delete?: { readonly arg?: string; readonly refuse?: string };
  /** Operation name → alternatives. */
  readonly madeBy: Readonly<Record<string, readonly FakeMadeBy[]>>;
}

/**
 * A value an effect computes (wire names throughout): an argument (`arg`), a field or kept value
 * of the operating record (`self`, a path), the cloud's (`now`, the caller's `project` or `user`,
 * a random `hex` string), a literal, an object of values, or the first of several that is set.
 */
export type FakeValue =
  | { readonly arg: string }
  | { readonly self: readonly string[] }
  | { readonly cloud: 'now' | 'project' | 'user' | 'uuid' | 'hex'; readonly length?: number }
  | { readonly literal: string | number | boolean | null }
  | { readonly object: readonly (readonly [string, FakeValue])[] }
  | { readonly first: readonly FakeValue[] };

/** What an operation does to another record, or (without `resource`) to its own (spec `effects`). */
export interface FakeEffect {
  readonly resource?: string;
  readonly id?: FakeValue;
  /** Target wire name → value: every record that matches. */
  readonly where?: readonly (readonly [string, FakeValue])[];
  readonly when?: FakeValue;
  readonly unless?: FakeValue;
  readonly from?: readonly string[];
  readonly require?: readonly (readonly [string, FakeValue])[];
  readonly refuse?: { readonly status: number; readonly message: string };
  readonly status?: string;
  /** The status the target reaches on a later read (its own pending transition, on the fake clock). */
  readonly to?: string;
  readonly set?: readonly (readonly [string, FakeValue])[];
  readonly keep?: readonly (readonly [string, FakeValue])[];
  readonly append?: readonly (readonly [string, FakeValue])[];
  /** Target list field (wire) → the item key and value that removes an item. */
  readonly drop?: readonly (readonly [string, string, FakeValue])[];
  readonly owner?: 'caller';
  readonly remove?: true;
  readonly after?: true;
}

/** How Cinder's views and lookups of a resource differ from the defaults, and what its operations do elsewhere. */
export interface FakeRelations {
  /** Operation name → effects, in order. */
  readonly effects?: Readonly<Record<string, readonly FakeEffect[]>>;
  /** Wire names the summary view shows (default: id, name, links). */
  readonly summaryFields?: readonly string[];
  /** Wire name → the operations whose answers show it. */
  readonly shownOnlyBy?: Readonly<Record<string, readonly string[]>>;
  readonly anyProject?: readonly string[];
  /** Records belong to the creating project though no field shows it. */
  readonly projectScoped?: true;
  readonly rowsFrom?: {
    readonly resource: string;
    readonly where: readonly (readonly [string, FakeValue])[];
    readonly fields: readonly (readonly [string, FakeValue])[];
  };
}

export interface FakeResource extends FakeRange {
  readonly name: string;
  readonly resourceKey?: string;
  readonly resourcesKey?: string;
  /** Cinder's 404 message for an unknown ID, `{id}` filled in. */
  readonly notFound?: string;
  /** The collection path in a record's links, when Cinder's view builder names another than basePath. */
  readonly linksPath?: string;
  readonly basePath: string;
  /** Wire names of the id and name fields. */
  readonly idField: string;
  readonly nameField: string;
  /** Path placeholder → the wire name of the field it fills. */
  readonly pathParams: Readonly<Record<string, string>>;
  readonly status?: FakeStatus;
  /** Records of other resources that belong to this one (a group's volumes). */
  readonly members?: readonly FakeMembers[];
  /** Served over another resource's records; this resource's wire name → the stored one. */
  readonly storedAs?: { readonly resource: string; readonly fields: Readonly<Record<string, string>> };
  /** Records Cinder has from the start (its migrations), by wire names: a literal or a deployment setting. */
  readonly seed?: readonly Readonly<Record<string, FakeJson | FakeServerDefault>>[];
  /** Public and private records with per-project access lists (`access:` in the spec). */
  readonly access?: FakeAccess;
  readonly relations?: FakeRelations;
  readonly quota?: FakeQuota;
  readonly fields: readonly FakeField[];
  readonly structs: Readonly<Record<string, readonly FakeField[]>>;
  readonly operations: readonly FakeOperation[];
  /** Checks, copies, created records and answers, by operation name (see FakeRules). */
  readonly rules?: FakeRules;
}

// -------------------------------------------------------------------------------------------------
// Checks, copies, created records and answers (the `checks`, `copy`, `creates` and `answers`
// sections of a resource file). The generator's model holds the same shapes with TypeScript field
// names; fake-model.json holds wire names.

/** A value a declaration reads. */
export type FakeOperand =
  | { readonly kind: 'literal'; readonly value: FakeJson }
  /** An argument of the operation (on create and update also a field the request sets). */
  | { readonly kind: 'arg'; readonly name: string }
  /** A field of the record the operation acts on. */
  | { readonly kind: 'self'; readonly field: string }
  /** A field of a record the declaration looked up by name (with `key`, that key of a map field). */
  | { readonly kind: 'lookup'; readonly name: string; readonly field: string; readonly key?: string }
  /** Text with operands filled in (`Volume {$volumeId} …`). */
  | { readonly kind: 'template'; readonly parts: readonly (string | FakeOperand)[] }
  /** The first operand that is set. */
  | { readonly kind: 'first'; readonly options: readonly FakeOperand[] };

/** Records of another resource: the one with an ID, or those whose fields equal values (the newest with `latest`). */
export interface FakeQuery {
  readonly resource: string;
  readonly id?: FakeOperand;
  readonly where?: readonly (readonly [field: string, value: FakeOperand])[];
  /** Of the matching records, the one with the greatest value of this field. */
  readonly latest?: string;
}

export type FakeCondition =
  | { readonly kind: 'all' | 'any'; readonly of: readonly FakeCondition[] }
  | { readonly kind: 'not'; readonly of: FakeCondition }
  | {
      readonly kind: 'compare';
      readonly op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
      readonly left: FakeOperand;
      readonly right: FakeOperand;
    }
  | { readonly kind: 'in'; readonly value: FakeOperand; readonly among: readonly FakeOperand[] }
  /** The value is set: not absent, null or empty text. */
  | { readonly kind: 'given'; readonly value: FakeOperand }
  | { readonly kind: 'exists'; readonly query: FakeQuery };

/** Names bound to records looked up before a declaration is evaluated (`$volume.status`). */
export type FakeLookups = readonly (readonly [name: string, query: FakeQuery])[];

/** A refusal: when the condition holds, the operation answers status and message and changes nothing. */
export interface FakeCheck extends FakeRange {
  readonly lookup?: FakeLookups;
  readonly when: FakeCondition;
  readonly status: number;
  readonly message: FakeOperand;
}

/** A created record takes fields of a related record (those the request did not set). */
export interface FakeCopy {
  readonly from: FakeQuery;
  /** This resource's field → the related record's field. */
  readonly fields: readonly (readonly [to: string, from: string])[];
}

/** The operation makes a record of another resource, as that resource's create would. */
export interface FakeCreates {
  readonly when?: FakeCondition;
  readonly resource: string;
  readonly fields: readonly (readonly [field: string, value: FakeOperand])[];
  /** The argument that then names the new record (the operation goes on with it). */
  readonly bind?: string;
}

/** A JSON answer with operands: what the operation answers in place of a sample of its declared type. */
export type FakeTemplate =
  | { readonly kind: 'value'; readonly value: FakeOperand }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [key: string, value: FakeTemplate])[] };

export interface FakeAnswer {
  readonly lookup?: FakeLookups;
  readonly body: FakeTemplate;
}

/** What the four sections declare for one resource, by operation name. */
export interface FakeRules {
  readonly checks?: Readonly<Record<string, readonly FakeCheck[]>>;
  readonly copy?: Readonly<Record<string, readonly FakeCopy[]>>;
  readonly creates?: Readonly<Record<string, readonly FakeCreates[]>>;
  readonly answers?: Readonly<Record<string, FakeAnswer>>;
}
