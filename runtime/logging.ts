/**
 * One logging surface over the loggers people already have.
 *
 * Two calling conventions exist and cannot be told apart by signature:
 * - message first — `console`, winston, loglevel and this SDK's `Logger` interface:
 *   `logger.debug('GET … 200', { status: 200 })`;
 * - object first — pino and bunyan: `logger.debug({ status: 200 }, 'GET … 200')`.
 * `adaptLogger` picks the convention from `options.style` when given; otherwise it detects pino
 * (a `bindings()` function or `levels.values`) and bunyan (`addStream()`), and treats everything
 * else as message first. Pass `style` for a custom object-first logger.
 *
 * Levels: methods the logger lacks are skipped (pass `{ error: console.error }` to see only
 * errors); `isLevelEnabled(level)` (pino, winston) is honoured so disabled debug lines cost
 * nothing; `options.level` sets a minimum on top. A logger that throws never breaks a request.
 *
 * Nothing here redacts by itself: callers pass already-redacted fields (see http/redact.ts).
 */
import type { Logger } from './http/types.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

/** pino/bunyan-style logger: fields object first, message second. */
export interface ObjectFirstLogger {
  debug?(fields: LogFields, message?: string): void;
  info?(fields: LogFields, message?: string): void;
  warn?(fields: LogFields, message?: string): void;
  error?(fields: LogFields, message?: string): void;
}

/** Anything `adaptLogger` accepts: console, winston, pino, bunyan, or a plain object of functions. */
export type LoggerLike = Logger | ObjectFirstLogger;

export interface LoggerOptions {
  /** Calling convention; detected when omitted (see the module comment). */
  readonly style?: 'message-first' | 'object-first' | undefined;
  /** Minimum level to emit (default: every level the logger has). */
  readonly level?: LogLevel | undefined;
}

/** The SDK's internal logger. */
export interface SdkLogger {
  /** Whether `log(level, …)` would emit; check before building expensive fields. */
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger that drops everything (the default). */
export const silentLogger: SdkLogger = {
  enabled: () => false,
  log: () => undefined,
};

interface Detectable {
  readonly bindings?: unknown;
  readonly levels?: unknown;
  readonly addStream?: unknown;
  readonly isLevelEnabled?: unknown;
}

/** Whether a logger takes the fields object first (pino, bunyan). */
export function isObjectFirst(logger: object): boolean {
  const l = logger as Detectable;
  if (typeof l.bindings === 'function' || typeof l.addStream === 'function') return true;
  const levels = l.levels;
  return typeof levels === 'object' && levels !== null && typeof (levels as { values?: unknown }).values === 'object';
}

type AnyLogFn = (a: unknown, b?: unknown) => void;

/** Wraps a console/winston/pino/bunyan logger (or returns an SdkLogger as is). */
export function adaptLogger(logger: LoggerLike | SdkLogger | undefined, options: LoggerOptions = {}): SdkLogger {
  if (!logger) return silentLogger;
  if (isSdkLogger(logger)) return logger;
  const objectFirst = options.style ? options.style === 'object-first' : isObjectFirst(logger);
  const min = options.level ? RANK[options.level] : 0;
  const isLevelEnabled = (logger as Detectable).isLevelEnabled;
  const fns: Partial<Record<LogLevel, AnyLogFn>> = {};
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    const fn = (logger as Record<string, unknown>)[level];
    if (typeof fn === 'function' && RANK[level] >= min) fns[level] = (fn as AnyLogFn).bind(logger);
  }
  return {
    enabled(level: LogLevel): boolean {
      if (!fns[level]) return false;
      if (typeof isLevelEnabled === 'function') {
        try {
          return Boolean((isLevelEnabled as (level: string) => unknown).call(logger, level));
        } catch {
          return true;
        }
      }
      return true;
    },
    log(level: LogLevel, message: string, fields?: LogFields): void {
      const fn = fns[level];
      if (!fn) return;
      try {
        if (objectFirst) fn(fields ?? {}, message);
        else if (fields) fn(message, fields);
        else fn(message);
      } catch {
        // A broken logger must not break the request that was being logged.
      }
    },
  };
}

function isSdkLogger(value: object): value is SdkLogger {
  const v = value as Partial<SdkLogger>;
  return typeof v.enabled === 'function' && typeof v.log === 'function';
}
