/**
 * The pieces of the live suite's fake-vs-real measurement that run without any cloud: the keys of
 * a response, the comparison that fails a fake run, the mapping of a request to its operation,
 * the recording transport (against the fake cloud on a loopback port), and the tags that skip
 * tests on the fake (each must name a test that exists).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCloud, type FakeCloud } from '../../fake/index.js';
import { defaultTransport } from '../../runtime/index.js';
import { FAKE_TAGS, tagOf, wholeFileSkipped } from '../live/fake-tags.js';
import {
  OperationFinder,
  keysOf,
  microversionOf,
  missingKeys,
  recordingKeys,
  tableOf,
  type KeyRecord,
} from '../live/response-keys.js';

const LIVE = path.resolve(import.meta.dirname, '../live');

describe('response keys', () => {
  it('are the top-level keys and the keys one level down, of an object or of every item of a list', () => {
    expect(
      keysOf({
        volumes: [
          { id: 'a', size: 1 },
          { id: 'b', name: 'x' },
        ],
        volumes_links: [],
        count: 2,
      }),
    ).toEqual(['count', 'volumes', 'volumes[].id', 'volumes[].name', 'volumes[].size', 'volumes_links']);
    expect(keysOf({ volume: { id: 'a', metadata: { k: 'v' } } })).toEqual(['volume', 'volume.id', 'volume.metadata']);
    expect(keysOf('text')).toEqual([]);
  });

  it("stand for Cinder's per-volume-type quota keys with one placeholder, whatever the types are called", () => {
    expect(
      keysOf({ quota_set: { gigabytes: 1, gigabytes_osbs_a1: 2, volumes___DEFAULT__: 3, per_volume_gigabytes: -1 } }),
    ).toEqual([
      'quota_set',
      'quota_set.gigabytes',
      'quota_set.gigabytes_<type>',
      'quota_set.per_volume_gigabytes',
      'quota_set.volumes_<type>',
    ]);
  });

  it('a fake answer without a key the real Cinder answered is reported, for pairs exercised on both only', () => {
    const real = tableOf([
      { operation: 'Volume.get', microversion: '3.70', keys: ['volume', 'volume.id', 'volume.host'] },
      { operation: 'Volume.get', microversion: 'base', keys: ['volume', 'volume.id'] },
      { operation: 'Service.list', microversion: 'base', keys: ['services'] },
    ]);
    const fake = tableOf([
      { operation: 'Volume.get', microversion: '3.70', keys: ['volume', 'volume.id', 'volume.extra'] },
      { operation: 'Volume.get', microversion: 'base', keys: ['volume'] },
      { operation: 'Volume.get', microversion: 'base', keys: ['volume.id'] },
    ]);
    expect(missingKeys(real, fake)).toEqual([{ where: 'Volume.get @ 3.70', keys: ['volume.host'] }]);
    expect(missingKeys(fake, real)).toEqual([{ where: 'Volume.get @ 3.70', keys: ['volume.extra'] }]);
  });

  it('a request is mapped to its spec operation, actions by their body key, with the microversion it asked for', () => {
    const finder = new OperationFinder('http://127.0.0.1:8776');
    const p = '9c1b1e6b4f3a4d6e8f2a1b3c4d5e6f70';
    const h = { 'OpenStack-API-Version': 'volume 3.70' };
    expect(finder.find('GET', `http://127.0.0.1:8776/v3/${p}/volumes/detail?limit=2`, h)).toBe('Volume.list');
    expect(
      finder.find('POST', `http://127.0.0.1:8776/v3/${p}/volumes/x/action`, h, '{"os-extend":{"new_size":2}}'),
    ).toBe('Volume.extend');
    expect(finder.find('POST', 'http://127.0.0.1:5000/v3/auth/tokens', {})).toBeUndefined();
    expect(microversionOf(h)).toBe('3.70');
    expect(microversionOf({})).toBe('base');
  });

  it('a fake run fails when the fake lacks a key test/live/response-keys.json has for a pair both answered', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'osbs-keys-check-'));
    try {
      const file = path.join(dir, 'keys.jsonl');
      const recorded = JSON.parse(readFileSync(path.join(LIVE, 'response-keys.json'), 'utf8')) as {
        operations: Record<string, Record<string, string[]>>;
      };
      const real = recorded.operations['Volume.create']['3.70'];
      const check = (keys: string[]) => {
        writeFileSync(file, `${JSON.stringify({ operation: 'Volume.create', microversion: '3.70', keys })}\n`);
        return spawnSync(
          path.resolve(LIVE, '../../node_modules/.bin/tsx'),
          [path.join(LIVE, 'response-keys-check.ts'), file, '--target', 'fake'],
          { encoding: 'utf8' },
        );
      };
      const complete = check(real);
      expect(complete.status, complete.stdout + complete.stderr).toBe(0);
      const lacking = check(real.filter((k) => k !== 'volume.size'));
      expect(lacking.status).toBe(1);
      expect(lacking.stdout).toContain('MISSING Volume.create @ 3.70: volume.size');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('recording transport', () => {
    let fake: FakeCloud;
    let dir: string;
    beforeAll(async () => {
      fake = await startFakeCloud();
      dir = mkdtempSync(path.join(tmpdir(), 'osbs-keys-'));
    });
    afterAll(async () => {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('records the keys of each successful answer under its operation and microversion, and passes it on', async () => {
      const file = path.join(dir, 'keys.jsonl');
      const origin = new URL(fake.url).origin;
      const cloud = await fake.connect({ transport: recordingKeys(defaultTransport({ env: {} }), file, origin) });
      const volume = await cloud.blockStorage.createVolume({ name: 'keys', size: 1 });
      expect(volume.size).toBe(1);
      await expect(cloud.blockStorage.getVolume('no-such-volume')).rejects.toThrow();
      await cloud.close();
      const records = readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as KeyRecord);
      const create = records.find((r) => r.operation === 'Volume.create');
      expect(create?.microversion).toMatch(/^3\.\d+$/);
      expect(create?.keys).toEqual(expect.arrayContaining(['volume', 'volume.id', 'volume.size', 'volume.status']));
      // The 404 and Keystone's answers are not Cinder successes: nothing recorded for them.
      expect(records.every((r) => r.operation !== 'Volume.get')).toBe(true);
    });
  });
});

describe('tags of the live tests on the fake cloud', () => {
  it('find a test by its title, by a title prefix ending in …, or the whole file, in the modes given', () => {
    expect(
      tagOf('volumes.test.ts', 'migrateVolume moves the volume and its data to the other pool', 'noauth')?.kind,
    ).toBe('real-only');
    expect(tagOf('v3-messages.test.ts', 'anything at all', 'keystone')?.kind).toBe('real-only');
    expect(tagOf('volumes.test.ts', 'a title nobody tagged', 'noauth')).toBeUndefined();
    expect(wholeFileSkipped('file:///x/v3-messages.test.ts', { LIVE_TARGET: 'fake' })).toBe(true);
    expect(wholeFileSkipped('file:///x/v3-messages.test.ts', {})).toBe(false);
    // Running the divergent tests does not run a file that needs the real Cinder.
    expect(
      wholeFileSkipped('file:///x/v3-messages.test.ts', { LIVE_TARGET: 'fake', LIVE_FAKE_RUN_DIVERGENT: '1' }),
    ).toBe(true);
  });

  it('name only live test files that exist and titles that appear in them', () => {
    const all = readdirSync(LIVE);
    const files = new Set(all.filter((f) => f.endsWith('.test.ts')));
    const helpers = all.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const missing: string[] = [];
    for (const [file, entries] of Object.entries(FAKE_TAGS)) {
      if (!files.has(file)) {
        missing.push(file);
        continue;
      }
      // Titles may come from a helper module the file shares with another (extras-shared.ts).
      const source = [file, ...helpers].map((f) => readFileSync(path.join(LIVE, f), 'utf8')).join('\n');
      for (const key of Object.keys(entries)) {
        const title = key.endsWith('…') ? key.slice(0, -1) : key;
        if (key !== '*' && !source.includes(title)) missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('give every tag a reason', () => {
    const empty = Object.entries(FAKE_TAGS).flatMap(([file, entries]) =>
      Object.entries(entries)
        .filter(([, tag]) => tag.reason.trim().length < 10)
        .map(([title]) => `${file}: ${title}`),
    );
    expect(empty).toEqual([]);
  });
});
