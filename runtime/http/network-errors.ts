/**
 * Classifies low-level network error codes (Node's `err.code`, undici's `cause.code`) so both
 * transports describe failures the same way and the client knows which ones are worth retrying.
 */

/** Failures that happen before any request byte can reach the server. */
const BEFORE_SEND = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_PROXY_TUNNEL',
]);

const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME|HOSTNAME_MISMATCH/;

/** True when the code proves the request was not sent (connect, DNS, proxy tunnel, TLS). */
export function failedBeforeSend(code: string | undefined): boolean {
  return code !== undefined && (BEFORE_SEND.has(code) || isTlsFailure(code));
}

/** Certificate verification failed: retrying cannot help, the configuration must change. */
export function isCertificateError(code: string | undefined): boolean {
  return code !== undefined && CERTIFICATE.test(code);
}

/** Any TLS handshake failure (certificate or protocol). */
export function isTlsFailure(code: string | undefined): boolean {
  return code !== undefined && (isCertificateError(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'));
}

/** A readable reason for a ConnectionError message. */
export function describeNetworkError(code: string | undefined, message: string): string {
  if (isCertificateError(code)) {
    return `TLS certificate verification failed (${code}: ${message}); pass the cloud's CA certificate (cacert) or, for testing only, insecure`;
  }
  if (code !== undefined && isTlsFailure(code)) return `TLS handshake failed (${code}: ${message})`;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused (${message})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return `DNS lookup failed (${message})`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return `connection reset by peer (${message})`;
    default:
      return code && !message.includes(code) ? `${code}: ${message}` : message;
  }
}
