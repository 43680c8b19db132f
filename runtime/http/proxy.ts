/**
 * Proxy selection from `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY` (lower-case names
 * win, as in curl), and the `NO_PROXY` matcher.
 *
 * `NO_PROXY` follows curl: comma- or space-separated entries, case-insensitive; `*` alone bypasses
 * everything; `example.com`, `.example.com` and `*.example.com` all match the domain and its
 * subdomains; IP literals match exactly or as CIDR (`10.0.0.0/8`); `host:port` limits an entry to
 * one port (as Go and Python do). Loopback hosts get no special treatment: `localhost` and
 * `127.0.0.1` go through the proxy unless listed, which is what curl does too.
 */

export interface ProxyConfig {
  /** Proxy for `http:` URLs. */
  readonly http?: string | undefined;
  /** Proxy for `https:` URLs (reached with a CONNECT tunnel). */
  readonly https?: string | undefined;
  /** Hosts that bypass the proxy (NO_PROXY syntax). */
  readonly noProxy?: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

function envValue(env: Env, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value && value.trim() !== '' ? value.trim() : undefined;
}

/** Reads proxy settings from environment variables. */
export function proxyFromEnv(env: Env): ProxyConfig {
  const all = envValue(env, 'all_proxy');
  return {
    http: envValue(env, 'http_proxy') ?? all,
    https: envValue(env, 'https_proxy') ?? all,
    noProxy: envValue(env, 'no_proxy'),
  };
}

/** The proxy URL to use for `url`, or undefined to connect directly. */
export function proxyFor(url: URL, config: ProxyConfig): URL | undefined {
  const raw = url.protocol === 'https:' ? config.https : url.protocol === 'http:' ? config.http : undefined;
  if (!raw) return undefined;
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  if (config.noProxy && bypassesProxy(url.hostname, port, config.noProxy)) return undefined;
  // `proxy:3128` without a scheme means http://, as curl reads it.
  return new URL(raw.includes('://') ? raw : `http://${raw}`);
}

/** Whether `host:port` matches a NO_PROXY list. `host` may be bracketed IPv6. */
export function bypassesProxy(host: string, port: number, noProxy: string): boolean {
  const name = normaliseHost(host);
  for (const rawEntry of noProxy.split(/[\s,]+/)) {
    if (rawEntry === '') continue;
    if (rawEntry === '*') return true;
    const { entryHost, entryPort } = splitEntry(rawEntry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entryHost === '') continue;
    if (matchesIp(name, entryHost)) return true;
    const domain = normaliseHost(entryHost.replace(/^\*?\./, ''));
    if (domain !== '' && (name === domain || name.endsWith(`.${domain}`))) return true;
  }
  return false;
}

function normaliseHost(host: string): string {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

function splitEntry(entry: string): { entryHost: string; entryPort: number | undefined } {
  // `[::1]:8080`, `[::1]`, `host:8080`, `::1` (bare IPv6 has several colons: no port).
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    const rest = entry.slice(close + 1);
    const port = rest.startsWith(':') ? Number(rest.slice(1)) : undefined;
    return { entryHost: entry.slice(1, close), entryPort: Number.isInteger(port) ? port : undefined };
  }
  const colons = entry.split(':').length - 1;
  if (colons === 1) {
    const [h, p] = entry.split(':') as [string, string];
    const port = Number(p);
    if (Number.isInteger(port) && p !== '') return { entryHost: h, entryPort: port };
  }
  return { entryHost: entry, entryPort: undefined };
}

function matchesIp(host: string, entry: string): boolean {
  const slash = entry.indexOf('/');
  const base = normaliseHost(slash >= 0 ? entry.slice(0, slash) : entry);
  const hostV4 = parseIpv4(host);
  const baseV4 = parseIpv4(base);
  if (hostV4 !== undefined && baseV4 !== undefined) {
    if (slash < 0) return hostV4 === baseV4;
    const bits = Number(entry.slice(slash + 1));
    if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
    if (bits === 0) return true;
    const mask = (0xffffffff << (32 - bits)) >>> 0;
    return (hostV4 & mask) >>> 0 === (baseV4 & mask) >>> 0;
  }
  if (host.includes(':') && base.includes(':')) {
    const h = expandIpv6(host);
    const b = expandIpv6(base);
    if (h === undefined || b === undefined) return false;
    const bits = slash < 0 ? 128 : Number(entry.slice(slash + 1));
    if (!Number.isInteger(bits) || bits < 0 || bits > 128) return false;
    return h.slice(0, bits) === b.slice(0, bits);
  }
  return false;
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** An IPv6 address as a 128-character bit string (for prefix comparison). */
function expandIpv6(text: string): string | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const groups = [...head, ...Array<string>(Math.max(0, missing)).fill('0'), ...tail];
  let bits = '';
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    bits += parseInt(group, 16).toString(2).padStart(16, '0');
  }
  return bits;
}
