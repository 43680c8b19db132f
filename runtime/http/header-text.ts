/**
 * Values read from response headers (the request id, the content type) before they go into an
 * error or a log line: a server may echo the token there, and control characters (line breaks,
 * terminal escapes) would forge or garble log lines. Its own small module: `createClient()` needs
 * it without the rest of redact.ts.
 */

// eslint-disable-next-line no-control-regex -- control characters are what this removes
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `value` without control characters (C0, DEL, C1) and without any of `secrets`; undefined when empty. */
export function headerText(value: string | null | undefined, secrets: readonly string[]): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  let out = value.replace(CONTROL, '');
  // As scrubSecrets' shortest secret: shorter ones would mangle ordinary words.
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out;
}
