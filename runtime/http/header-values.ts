/**
 * Header values the caller controls (additional and per-call headers, the token, the User-Agent's
 * application part) are checked once the headers of a request are built. CR or LF would end the
 * header and start another one (header injection) and NUL is refused by every HTTP stack; today's
 * transports would fail each attempt with a connection error and retry it for nothing. A typed
 * error names the header, never its value: it may be a token.
 */
import { InvalidArgumentError } from '../errors.js';

const FORBIDDEN = /[\r\n\0]/;

/** Throws `InvalidArgumentError` when a header name or value holds CR, LF or NUL. */
export function checkHeaderValues(headers: Readonly<Record<string, string>>): void {
  for (const name in headers) {
    const value = headers[name];
    if (!FORBIDDEN.test(name) && !FORBIDDEN.test(value)) continue;
    const what = name.toLowerCase() === 'x-auth-token' ? 'token' : `header ${JSON.stringify(name)}`;
    throw new InvalidArgumentError(what, 'contains CR, LF or NUL, which cannot be sent in an HTTP header');
  }
}

/** A token is checked when it is obtained, so that a bad one fails before any request uses it. */
export function checkToken(token: string | undefined): void {
  if (token !== undefined) checkHeaderValues({ 'x-auth-token': token });
}
