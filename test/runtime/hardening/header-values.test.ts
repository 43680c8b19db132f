/**
 * CR, LF or NUL in a header the caller controls (additional or per-call headers, the token, the
 * application's User-Agent product) fails at once with InvalidArgumentError: no request, no retry,
 * and the value (maybe a token) is not in the message.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../runtime/errors.js';
import { json } from '../http/helpers.js';
import type { BlockStorageV3 } from '../../../generated/index.js';
import {
  CONNECT,
  FLAVOURS,
  LITE,
  TOKEN,
  rejection,
  startCinder,
  type Cinder,
  type Flavour,
  type FlavourOptions,
  type Opened,
} from './harness.js';

let cinder: Cinder;
beforeAll(async () => {
  cinder = await startCinder();
});
afterAll(() => cinder.close());
beforeEach(() => {
  cinder.requests.length = 0;
  cinder.handler = (_req, res) => json(res, 200, { volume: { id: 'vol-1' } });
});

const BAD = ['a\r\nX-Injected: 1', 'a\nb', 'a\0b'];

/** Opens a client with these options and makes one call; the failure of either. */
async function failure(
  flavour: Flavour,
  extra: FlavourOptions,
  call: (bs: BlockStorageV3) => Promise<unknown> = (bs) => bs.getVolume('vol-1'),
): Promise<Error> {
  let opened: Opened | undefined;
  try {
    opened = await flavour.open(cinder, extra);
    return await rejection(call(opened.bs));
  } catch (error) {
    return error as Error;
  } finally {
    await opened?.close();
  }
}

describe.each(FLAVOURS)('headers through $name', (flavour) => {
  for (const bad of BAD) {
    const shown = JSON.stringify(bad);
    it(`an additional header of ${shown} fails at once with InvalidArgumentError, no API request sent`, async () => {
      const error = await failure(flavour, {
        connect: { additionalHeaders: { 'X-Trace': bad } },
        lite: { headers: { 'X-Trace': bad } },
      });
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message.toLowerCase()).toContain('x-trace');
      expect(cinder.api()).toEqual([]);
    });

    it(`a per-call header of ${shown} fails at once with InvalidArgumentError, no API request sent`, async () => {
      const opened = await flavour.open(cinder);
      try {
        cinder.requests.length = 0;
        const error = await rejection(opened.bs.getVolume('vol-1', { headers: { 'X-Trace': bad } }));
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(cinder.api()).toEqual([]);
      } finally {
        await opened.close();
      }
    });

    it(`a token of ${shown} fails at once with InvalidArgumentError that does not show it`, async () => {
      const token = `${TOKEN}${bad}`;
      const error = await failure(flavour, {
        connect: { auth: { token, endpoint: cinder.endpoint } },
        lite: { token },
      });
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toContain('token');
      expect(error.message).not.toContain(TOKEN);
      expect(cinder.api()).toEqual([]);
    });
  }
});

describe('headers the application builds', () => {
  it('createClient(): a token function returning a value with CR LF fails at once with InvalidArgumentError', async () => {
    const error = await failure(LITE, { lite: { token: () => `${TOKEN}\r\nX-Injected: 1` } });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).not.toContain(TOKEN);
    expect(cinder.api()).toEqual([]);
  });

  it('connect(): an application User-Agent with a line break fails at once with InvalidArgumentError', async () => {
    const error = await failure(CONNECT, { connect: { userAgent: 'my-app/1.0\r\nX-Injected: 1' } });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain('user-agent');
    expect(cinder.api()).toEqual([]);
  });
});
