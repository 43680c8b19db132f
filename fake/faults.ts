/**
 * Failures on demand. A rule matches requests by operation id (`Volume.create`, from the model), by
 * path (a string the path starts with, or a RegExp) and by method, and answers instead of the fake:
 * a status with a body (Cinder's fault envelope by default), 429/503 with Retry-After, a delay
 * before the answer, or a connection reset. Rules apply before the request reaches the state, so a
 * refused create creates nothing. Resources can also be held in a status (`stick`).
 */
import type { FakeState } from './state.js';

export interface FaultRule {
  /** An operation id from the spec, e.g. `Volume.create`, `Snapshot.get`, `Identity.authenticate`. */
  readonly operation?: string | undefined;
  /** The request path starts with this string, or matches this expression (query excluded). */
  readonly path?: string | RegExp | undefined;
  readonly method?: string | undefined;
  /** Answer with this status (default 500 unless only `delay` is set). */
  readonly status?: number | undefined;
  /** The answer's JSON body (default: Cinder's fault envelope for the status). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Seconds, sent as Retry-After (and in an `overLimit` body's `retryAfter`). */
  readonly retryAfter?: number | undefined;
  /** Real milliseconds to wait before answering (or before passing the request on, without status). */
  readonly delay?: number | undefined;
  /** Destroy the connection instead of answering. */
  readonly reset?: boolean | undefined;
  /** Apply to this many matching requests, then retire (default: every one). */
  readonly times?: number | undefined;
}

export interface InjectedFault {
  /** Requests this rule has answered so far. */
  readonly hits: number;
  remove(): void;
}

interface Active {
  readonly rule: FaultRule;
  hits: number;
}

export class FakeFaults {
  readonly #rules: Active[] = [];
  readonly #state: FakeState;
  readonly #holds: (() => void)[] = [];

  /** @internal Built by startFakeCloud. */
  constructor(state: FakeState) {
    this.#state = state;
  }

  /** Adds a rule; the newest matching rule wins. */
  inject(rule: FaultRule): InjectedFault {
    if (rule.status !== undefined && (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599))
      throw new RangeError(`faults.inject: status must be an HTTP status (100-599), got ${rule.status}`);
    if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1))
      throw new RangeError(`faults.inject: times must be a positive integer, got ${rule.times}`);
    const active: Active = { rule, hits: 0 };
    this.#rules.push(active);
    return {
      get hits() {
        return active.hits;
      },
      remove: () => {
        const at = this.#rules.indexOf(active);
        if (at >= 0) this.#rules.splice(at, 1);
      },
    };
  }

  /**
   * Holds a resource in a status (its current one, or the one given, e.g. `error` or `creating`):
   * its pending transitions wait until the returned function is called or `clear()`.
   */
  stick(resource: string, id: string, status?: string): () => void {
    const release = this.#state.hold(resource, id, status);
    this.#holds.push(release);
    return release;
  }

  /** Removes every rule and releases every held resource. */
  clear(): void {
    this.#rules.length = 0;
    for (const release of this.#holds.splice(0)) release();
  }

  /** @internal The rule for a request, counted as a hit; retired when used up. */
  take(method: string, path: string, operation: string | undefined): FaultRule | undefined {
    for (let i = this.#rules.length - 1; i >= 0; i--) {
      const active = this.#rules[i];
      const { rule } = active;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (rule.operation !== undefined && rule.operation !== operation) continue;
      if (
        rule.path !== undefined &&
        !(typeof rule.path === 'string' ? path.startsWith(rule.path) : rule.path.test(path))
      )
        continue;
      active.hits++;
      if (rule.times !== undefined && active.hits >= rule.times) this.#rules.splice(i, 1);
      return rule;
    }
    return undefined;
  }
}
