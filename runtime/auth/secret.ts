/**
 * A string that must never be printed: passwords, application credential secrets, tokens, TLS keys.
 *
 * Wrapping the value (instead of keeping a plain string field) makes every accidental route to the
 * outside safe at once: template literals, `String()`, `JSON.stringify`, `console.log` and
 * `util.inspect` all see `***`. Only `reveal()` yields the value, at the one place that puts it on the
 * wire. The value lives in an ES private field, which neither enumeration nor inspect can reach.
 */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const MASK = '***';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself; call only where it is sent to the server. */
  reveal(): string {
    return this.#value;
  }

  /** True when the secret has no characters (treated as "not set" by config resolution). */
  get empty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [INSPECT](): string {
    return `Secret(${MASK})`;
  }
}

/** Accepts either form from callers; a Secret stays the same object. */
export function toSecret(value: string | Secret): Secret {
  return value instanceof Secret ? value : new Secret(value);
}
