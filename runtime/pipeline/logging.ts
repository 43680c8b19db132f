/**
 * `logging`: one line per call with its final outcome — debug for success (method, redacted URL,
 * status, duration), error for a 5xx or a failure without response, debug for other errors and
 * for aborts — with the fields of the last attempt (attempt number, duration, request id; with
 * `logBodies`, the redacted headers and bodies). Retries log their own warning (`retry`),
 * redirects their own debug line (`redirect`), re-authentication an info line (`auth`).
 */
import { AbortError, ConnectionError, HttpError } from '../errors.js';
import { collectSecrets, redactHeaders, redactJsonText, redactUrl, scrubSecrets } from '../http/redact.js';
import { headerText } from '../http/header-text.js';
import type { HttpResponse } from '../http/types.js';
import { silentLogger, type LogFields, type SdkLogger } from '../logging.js';
import { requestIdOf } from './errors.js';
import type { RetryListener } from './retry.js';
import type { PipelineRequest, Policy } from './types.js';

export interface LogSettings {
  readonly logger: SdkLogger;
  /** Also log request headers and request/response bodies, redacted. */
  readonly logBodies: boolean;
}

/** Longest body logged with `logBodies`. */
const MAX_LOGGED_BODY = 4096;

export function loggingPolicy(log: LogSettings): Policy {
  const { logger } = log;
  // No logger configured: nothing to do on the hot path.
  if (logger === silentLogger) return { name: 'logging', sendRequest: (request, next) => next(request) };
  return {
    name: 'logging',
    async sendRequest(request, next) {
      let response: HttpResponse;
      try {
        response = await next(request);
      } catch (error) {
        const level =
          error instanceof AbortError ? 'debug' : error instanceof HttpError && error.status < 500 ? 'debug' : 'error';
        if (logger.enabled(level)) {
          const fields = logFields(request, undefined, log.logBodies);
          if (error instanceof HttpError) {
            fields['status'] = error.status;
            if (error.requestId) fields['requestId'] = error.requestId;
          }
          if (!(error instanceof AbortError)) fields['error'] = (error as Error).message;
          if (error instanceof ConnectionError) fields['sent'] = error.sent;
          const where = `${request.method} ${redactUrl(request.url)}`;
          const message =
            error instanceof AbortError
              ? `${where} aborted`
              : error instanceof HttpError
                ? error.message
                : `${where} failed: ${(error as Error).message}`;
          logger.log(level, message, fields);
        }
        throw error;
      }
      if (logger.enabled('debug')) {
        logger.log(
          'debug',
          `${request.method} ${redactUrl(request.url)} ${response.status} ${request.state.durationMs.toFixed(1)}ms`,
          logFields(request, response, log.logBodies),
        );
      }
      return response;
    },
  };
}

/** The warning before a retry (`retry` calls it). */
export function retryLogger(log: LogSettings): RetryListener {
  return (request, reason, delay, response) => {
    if (!log.logger.enabled('warn')) return;
    const fields = logFields(request, response, log.logBodies);
    fields['retryInMs'] = Math.round(delay);
    log.logger.log(
      'warn',
      `${request.method} ${redactUrl(request.url)}: ${reason}; retrying in ${Math.round(delay)} ms (attempt ${request.state.attempt + 1})`,
      fields,
    );
  };
}

/** The fields of a log line about `request` (its last attempt), already redacted. */
export function logFields(request: PipelineRequest, response: HttpResponse | undefined, logBodies: boolean): LogFields {
  const context = request.context;
  const fields: LogFields = {
    method: request.method,
    url: redactUrl(request.url),
    serviceType: context.serviceType,
    durationMs: Math.round(request.state.durationMs * 10) / 10,
    attempt: Math.max(1, request.state.attempt),
  };
  if (context.operation) fields['operation'] = context.operation;
  if (response) {
    fields['status'] = response.status;
    const requestId = headerText(requestIdOf(response), collectSecrets(request.headers));
    if (requestId) fields['requestId'] = requestId;
  }
  if (logBodies) {
    fields['requestHeaders'] = redactHeaders(request.headers);
    const secrets = collectSecrets(request.headers, request.body);
    if (request.body !== undefined) fields['requestBody'] = loggedBody(request.body, secrets);
    if (response && response.body !== '') fields['responseBody'] = loggedBody(response.body, secrets);
  }
  return fields;
}

function loggedBody(body: string, secrets: readonly string[]): string {
  const redacted = scrubSecrets(redactJsonText(body), secrets);
  return redacted.length > MAX_LOGGED_BODY ? `${redacted.slice(0, MAX_LOGGED_BODY)}…` : redacted;
}
