/**
 * Runs a generated example suite: `<resource>.cases.json` (the data: replies, exact requests,
 * expected outcome) paired with the calls in `<resource>.test.ts` (code, so the compiler checks
 * their arguments). Each case runs the real SDK against a recording server on 127.0.0.1.
 *
 * The two halves are generated together; any mismatch between them (a method or a case on one side
 * only) fails the suite rather than skipping something. A failing case names the spec line of its
 * example first, so the fix starts in the spec, not in generated/.
 *
 * Lives in testing/ (not test/) because generated/ imports it: generated code depends on the
 * runtime and on this runner only, never on the project's own tests. It is not part of the package.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as runtime from '../runtime/index.js';
import type { ProxyClass } from '../runtime/service.js';
import type { CaseData, CaseFile, Outcome } from './cases.js';
import { proxyFixture, type ProxyFixture } from './proxy-fixture.js';

/** One row of a generated call table: the case's title (as in the cases file) and its call. */
export type ExampleCall<P> = readonly [title: string, call: (proxy: P) => Promise<unknown>];

function classNamed(
  where: string,
  exports: Readonly<Record<string, unknown>>,
  name: string,
): new (...args: never[]) => unknown {
  const value = exports[name];
  if (typeof value !== 'function') throw new Error(`${where}: no class ${name} is exported`);
  return value as new (...args: never[]) => unknown;
}

function toJSON(value: unknown): unknown {
  return (value as { toJSON(): unknown }).toJSON();
}

function checkOutcome(result: unknown, outcome: Outcome, sdk: Readonly<Record<string, unknown>>, where: string): void {
  switch (outcome.kind) {
    case 'undefined':
      expect(result).toBeUndefined();
      return;
    case 'unchecked':
      return;
    case 'instance':
      expect(result).toBeInstanceOf(classNamed(where, sdk, outcome.class));
      expect(toJSON(result)).toMatchObject(outcome.json as object);
      return;
    case 'items':
      expect((result as unknown[]).map(toJSON)).toMatchObject(outcome.json as object);
      return;
    case 'json':
      expect(toJSON(result)).toMatchObject(outcome.json as object);
      return;
    case 'matches':
      expect(result).toMatchObject(outcome.value as object);
      return;
    case 'equals':
      expect(result).toEqual(outcome.value);
      return;
    case 'error':
      throw new Error(`${where}: an error outcome is checked by the caller`);
  }
}

export function exampleSuite<P>(
  Proxy: ProxyClass<P>,
  sdk: Readonly<Record<string, unknown>>,
  casesFile: URL,
  calls: Readonly<Record<string, readonly ExampleCall<P>[]>>,
): void {
  const file = JSON.parse(readFileSync(casesFile, 'utf8')) as CaseFile;
  const name = fileURLToPath(casesFile);
  const unpaired = [
    ...Object.keys(calls)
      .filter((m) => !(m in file.methods))
      .map((m) => `${m}: calls but no cases`),
    ...Object.entries(file.methods)
      .filter(([m, cases]) => (calls[m]?.length ?? 0) !== cases.length)
      .map(([m, cases]) => `${m}: ${cases.length} case(s), ${calls[m]?.length ?? 0} call(s)`),
    // Same order on both sides: each call carries the title of its case.
    ...Object.entries(file.methods).flatMap(([m, cases]) =>
      cases.flatMap((c, i) => {
        const title = calls[m]?.[i]?.[0];
        return title !== undefined && title !== c.title ? [`${m}[${i}]: case "${c.title}", call "${title}"`] : [];
      }),
    ),
  ];
  describe(file.suite, () => {
    it('pairs every case with a call', () => {
      expect(unpaired, `${name} and its test file disagree (regenerate both)`).toEqual([]);
    });
    const fixture = proxyFixture(Proxy);
    for (const [method, cases] of Object.entries(file.methods)) {
      describe(method, () => {
        cases.forEach((c, i) => {
          const call = calls[method]?.[i]?.[1];
          it(c.title, async () => {
            if (!call) throw new Error(`${name}: no call for ${method} case ${i}`);
            await withSpecLine(c, `${method}[${i}]`, () => runCase(c, call, sdk, fixture, `${name}: ${method}[${i}]`));
          });
        });
      });
    }
  });
}

async function runCase<P>(
  c: CaseData,
  call: (proxy: P) => Promise<unknown>,
  sdk: Readonly<Record<string, unknown>>,
  fixture: ProxyFixture<P>,
  where: string,
): Promise<void> {
  const f = await fixture.at(c.server);
  if (c.replies.length > 0) f.server.reply(...c.replies);
  const expected = c.requests.map((r) => ({ ...r, query: r.query ?? {}, body: r.body }));
  if (c.expect.kind === 'error') {
    const error: unknown = await call(f.proxy).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(classNamed(where, runtime as Readonly<Record<string, unknown>>, c.expect.class));
    if (c.expect.message !== undefined) expect((error as Error).message).toContain(c.expect.message);
    f.expectRequests(expected);
    return;
  }
  const result = await call(f.proxy);
  f.expectRequests(expected);
  checkOutcome(result, c.expect, sdk, where);
}

/**
 * Runs a case so that whatever fails it (an assertion, an error from the SDK) says first where the
 * case comes from: `spec/block-storage/v2/volume.yaml:474 (extendVolume[0]): requests sent …`.
 */
async function withSpecLine(c: CaseData, label: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Error && c.spec !== undefined) error.message = `${c.spec} (${label}): ${error.message}`;
    throw error;
  }
}
