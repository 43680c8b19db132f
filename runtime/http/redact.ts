/**
 * Keeps credentials out of logs, error messages and serialised errors.
 *
 * Three tools, because secrets travel three ways:
 * - by header name (`X-Auth-Token`, `X-Subject-Token`, `Authorization`, cookies): `redactHeaders`;
 * - by JSON key (`password`, `secret`, `token`, `auth_key`, CHAP `auth_password`, …): `redact`
 *   for values, `redactJsonText` for serialised bodies;
 * - by value, when a server echoes a secret back in free text (keystone's "Could not find token:
 *   <token>"): `collectSecrets` gathers the values sent, `scrubSecrets` removes them from text,
 *   in every form a server may echo them: raw, JSON-escaped (also twice, inside a logged body;
 *   `\uXXXX` as Python writes non-ASCII), percent-encoded.
 * Values read from response headers go through `headerText` (header-text.ts).
 *
 * The session and auth code should use the same functions for anything they log.
 */

/** What replaces a secret. */
export const REDACTED = '***';

const SENSITIVE_HEADERS = new Set([
  'x-auth-token',
  'x-subject-token',
  'x-service-token',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]);

/**
 * Matches key names whose values are secrets. Normalised to lower case with `-` → `_`. Covers
 * keystone (`password`, `secret` of application credentials, `passcode` of TOTP, `token`),
 * Cinder (`auth_key` of volume transfers, `auth_password` of connection info) and generic names.
 */
const SENSITIVE_KEY =
  /(^|_)pass(word|wd|phrase|code)?$|password|secret|token|auth_?key|api_?key|private_?key|authorization|cookie/;

/** Whether a header name carries a credential. */
export function isSensitiveHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SENSITIVE_HEADERS.has(lower) || SENSITIVE_KEY.test(lower.replace(/-/g, '_'));
}

/** Whether a JSON/query key's value is a secret. */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key.toLowerCase().replace(/-/g, '_'));
}

/** A copy of `headers` with credential values replaced by `***`. */
export function redactHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name] = isSensitiveHeader(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/**
 * A deep copy of a JSON-like value with every secret-named key's value replaced by `***`.
 * Headers objects work too. Cycles and depth beyond 32 are cut.
 */
export function redact<T>(value: T): T {
  return redactValue(value, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    out[key] =
      isSensitiveKey(key) && item !== null && item !== undefined && typeof item !== 'object'
        ? REDACTED
        : isSensitiveKey(key) && typeof item === 'object' && item !== null
          ? redactAll(item, depth + 1)
          : redactValue(item, depth + 1);
  }
  return out;
}

/** Under a secret key (`"token": {"id": …}`), every scalar is a secret. */
function redactAll(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value === null || value === undefined ? value : REDACTED;
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactAll(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = redactAll((value as Record<string, unknown>)[key], depth + 1);
  return out;
}

/**
 * Redacts a serialised body: JSON is parsed, redacted and re-serialised; other text has
 * `key=value` and `"key": "value"` pairs with secret names masked.
 */
export function redactJsonText(text: string): string {
  const trimmed = text.trim();
  if (trimmed[0] === '{' || trimmed[0] === '[') {
    try {
      return JSON.stringify(redact(JSON.parse(trimmed) as unknown));
    } catch {
      // Not JSON after all; fall through to the pattern scrub.
    }
  }
  return redactPairs(text);
}

const QUOTED_PAIR = /"([^"\\]{1,64})"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;
const PLAIN_PAIR = /([A-Za-z0-9_.-]{1,64})=([^&\s,;"]+)/g;

function redactPairs(text: string): string {
  return text
    .replace(QUOTED_PAIR, (all, key: string, sep: string) =>
      isSensitiveKey(key) ? `"${key}"${sep}"${REDACTED}"` : all,
    )
    .replace(PLAIN_PAIR, (all, key: string) => (isSensitiveKey(key) ? `${key}=${REDACTED}` : all));
}

/** A URL with secret-named query parameters and any userinfo password masked. */
export function redactUrl(url: string): string {
  const hasQuery = url.includes('?');
  const hasAt = url.includes('@');
  if (!hasQuery && !hasAt) return url;
  try {
    const parsed = new URL(url);
    let changed = false;
    if (parsed.password) {
      parsed.password = REDACTED;
      changed = true;
    }
    for (const key of [...parsed.searchParams.keys()]) {
      if (isSensitiveKey(key)) {
        parsed.searchParams.set(key, REDACTED);
        changed = true;
      }
    }
    return changed ? parsed.toString() : url;
  } catch {
    return redactPairs(url);
  }
}

/** Shortest value `scrubSecrets` replaces; shorter ones would mangle ordinary words. */
const MIN_SECRET_LENGTH = 4;

/**
 * The secret values present in a request: credential headers (and the user/password of Basic
 * auth) and secret-named fields of a JSON body. Used to scrub echoes from server messages.
 */
export function collectSecrets(headers: Readonly<Record<string, string>> | undefined, body?: string): string[] {
  const secrets: string[] = [];
  if (headers) {
    for (const name in headers) {
      if (!isSensitiveHeader(name)) continue;
      const value = headers[name];
      if (!value) continue;
      secrets.push(value);
      const space = value.indexOf(' ');
      if (space > 0) {
        const credential = value.slice(space + 1).trim();
        secrets.push(credential);
        if (/^basic$/i.test(value.slice(0, space))) secrets.push(...decodeBasic(credential));
      }
    }
  }
  if (body) {
    const trimmed = body.trim();
    if (trimmed[0] === '{' || trimmed[0] === '[') {
      try {
        collectFromValue(JSON.parse(trimmed) as unknown, false, secrets, 0);
      } catch {
        // Not JSON: nothing to collect by key.
      }
    }
  }
  return secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

function decodeBasic(credential: string): string[] {
  try {
    const decoded = atob(credential);
    const colon = decoded.indexOf(':');
    return colon >= 0 ? [decoded, decoded.slice(colon + 1)] : [decoded];
  } catch {
    return [];
  }
}

function collectFromValue(value: unknown, secret: boolean, out: string[], depth: number): void {
  if (depth > 32) return;
  if (typeof value === 'string') {
    if (secret) out.push(value);
    return;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    if (secret) out.push(String(value));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) collectFromValue(item, secret, out, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    collectFromValue((value as Record<string, unknown>)[key], secret || isSensitiveKey(key), out, depth + 1);
  }
}

/** `text` with every occurrence of each secret, in any of the forms above, replaced by `***`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    // The plain search above is the common case; the pattern only runs when the text has escapes.
    if (/[\\%]/.test(out)) out = out.replace(echoPattern(secret), REDACTED);
  }
  return out;
}

/** Compiled patterns by secret; a session has few secrets (a password, a token or two). */
const PATTERNS = new Map<string, RegExp>();

/**
 * A pattern matching `secret` however a server may have escaped it, character by character: as
 * is; after backslashes (JSON's `\"`, `\\`, `\/`, and the same escaped again when a JSON message is
 * itself in a JSON body); as `\uXXXX` (Python's JSON writes non-ASCII so; surrogate pairs for the
 * rest); as percent-encoded UTF-8 (`+` for a space).
 */
function echoPattern(secret: string): RegExp {
  let pattern = PATTERNS.get(secret);
  if (pattern) return pattern;
  let source = '';
  for (const char of secret) {
    const forms = [`\\\\*${char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}`];
    const units = [...Array(char.length).keys()].map((i) => char.charCodeAt(i).toString(16).padStart(4, '0'));
    forms.push(units.map((u) => `\\\\+u${u.replace(/[a-f]/g, (h) => `[${h}${h.toUpperCase()}]`)}`).join(''));
    const bytes = [...new TextEncoder().encode(char)].map((b) => b.toString(16).padStart(2, '0'));
    forms.push(bytes.map((b) => `%(?:25)*${b.replace(/[a-f]/g, (h) => `[${h}${h.toUpperCase()}]`)}`).join(''));
    if (char === ' ') forms.push('\\+');
    const escapes: Readonly<Record<string, string>> = { '\n': 'n', '\r': 'r', '\t': 't', '\b': 'b', '\f': 'f' };
    const letter = escapes[char];
    if (letter !== undefined) forms.push(`\\\\+${letter}`);
    source += `(?:${forms.join('|')})`;
  }
  pattern = new RegExp(source, 'g');
  if (PATTERNS.size >= 64) PATTERNS.clear();
  PATTERNS.set(secret, pattern);
  return pattern;
}
