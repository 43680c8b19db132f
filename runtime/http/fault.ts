/**
 * Reads the server's own message out of an error response, the way openstacksdk's
 * `raise_from_response` does, so that `HttpError.details` says what Cinder said:
 *
 * - JSON: each top-level value is tried for `message`, then `faultstring`; a string value is
 *   decoded as JSON and tried again (`{"itemNotFound": {"message": …}}`, `{"badRequest": …}`,
 *   `{"computeFault": …}`, `{"overLimit": …}`, keystone's `{"error": {"message", "code", "title"}}`).
 *   If no value has one, the root object is tried. Messages are joined with a newline.
 * - HTML: tags stripped, blank and duplicate lines dropped, joined with `: `.
 * - Anything else: the text itself. Empty: the reason phrase.
 *
 * The result is capped (`MAX_DETAILS`) because proxies return whole HTML pages and some servers
 * echo large request bodies.
 */

/** Longest `details` kept, in characters. */
export const MAX_DETAILS = 1000;

export interface FaultInfo {
  readonly details: string | undefined;
  /** `retryAfter` from an `overLimit` body (seconds), for servers that send no header. */
  readonly retryAfter: number | undefined;
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Extracts details from an error response body. */
export function faultInfo(status: number, contentType: string | null, body: string, statusText?: string): FaultInfo {
  const text = body.trim();
  let details: string | undefined;
  let retryAfter: number | undefined;
  const type = (contentType ?? '').toLowerCase();
  if (text === '') {
    details = undefined;
  } else if (type.includes('json') || ((text[0] === '{' || text[0] === '"') && !type.includes('html'))) {
    let parsed: unknown;
    let ok = true;
    try {
      parsed = JSON.parse(text);
    } catch {
      ok = false;
    }
    if (ok) {
      details = jsonMessages(parsed);
      retryAfter = overLimitRetryAfter(parsed);
      // Cinder's fault with an empty message ({"badRequest": {"code": 400, "message": ""}}): say
      // which fault it was rather than echo the JSON.
      if (details === undefined && isRecord(parsed)) {
        const fault = Object.keys(parsed).find((k) => isRecord(parsed[k]) && 'code' in (parsed[k] as object));
        if (fault !== undefined) details = `${fault} (the server gave no message)`;
      }
    }
    details ??= text;
  } else if (type.includes('html') || /^<(!doctype|html|head|body|\?xml)/i.test(text)) {
    details = htmlText(text);
  } else {
    details = text;
  }
  if (details === undefined || details === '') details = statusText || REASONS[status];
  return { details: details === undefined ? undefined : truncate(details), retryAfter };
}

function truncate(text: string): string {
  return text.length > MAX_DETAILS ? `${text.slice(0, MAX_DETAILS - 1)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(value: unknown, depth: number): string | undefined {
  if (typeof value === 'string') {
    // A JSON-encoded fault inside a string; anything else is not a message (openstacksdk parity).
    if (depth > 0) return undefined;
    try {
      return messageOf(JSON.parse(value), depth + 1);
    } catch {
      return undefined;
    }
  }
  if (!isRecord(value)) return undefined;
  const message = value['message'];
  if (typeof message === 'string' && message !== '') return message;
  const faultstring = value['faultstring'];
  if (typeof faultstring === 'string' && faultstring !== '') return faultstring;
  return undefined;
}

function jsonMessages(parsed: unknown): string | undefined {
  if (typeof parsed === 'string') {
    if (parsed === '') return undefined;
    // A fault serialised twice: decode once more and read it like a top-level body.
    try {
      const inner: unknown = JSON.parse(parsed);
      if (isRecord(inner)) return jsonMessages(inner) ?? parsed;
    } catch {
      // A plain message string.
    }
    return parsed;
  }
  if (!isRecord(parsed)) return undefined;
  const messages: string[] = [];
  for (const key in parsed) {
    const message = messageOf(parsed[key], 0);
    if (message !== undefined) messages.push(message);
  }
  if (messages.length === 0) {
    const root = messageOf(parsed, 0);
    if (root !== undefined) messages.push(root);
  }
  return messages.length > 0 ? messages.join('\n') : undefined;
}

function overLimitRetryAfter(parsed: unknown): number | undefined {
  if (!isRecord(parsed)) return undefined;
  const fault = parsed['overLimit'] ?? parsed['overLimitFault'];
  if (!isRecord(fault)) return undefined;
  const value = fault['retryAfter'];
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function htmlText(html: string): string | undefined {
  const stripped = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '\n')
    .replace(/<!--[\s\S]*?-->/g, '\n')
    // Tags become line breaks so that `<h1>503</h1>No server` reads as two lines.
    .replace(/<[^>]*>/g, '\n')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (entity, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : entity;
      }
      return ENTITIES[name.toLowerCase()] ?? entity;
    });
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const raw of stripped.split('\n')) {
    const line = raw.replace(/\s+/g, ' ').trim();
    if (line === '' || seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  return lines.length > 0 ? lines.join(': ') : undefined;
}
