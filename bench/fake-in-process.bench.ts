/**
 * The in-process fake cloud (`startFakeCloud({ inProcess: true })`) next to the same fake over its
 * loopback socket, in the same run: `getVolume()` through `fake.connect()` in a sequential loop,
 * rounds interleaved, median calls per second of each and their ratio. Then a soak: 100,000
 * in-process `getVolume()` calls with the heap measured (after a full GC) before and after. The
 * fake records every request (`fake.requests`), which is a log the test asked for, not a leak: the
 * soak clears it every 1,000 calls, and its cost per request is printed on its own.
 *
 *   npx tsx bench/fake-in-process.bench.ts [rounds] [calls per round] [soak calls]   # default 7 2000 100000
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startFakeCloud, type FakeCloud } from '../fake/index.js';

const rounds = Number(process.argv[2] ?? 7);
const perRound = Number(process.argv[3] ?? 2000);
const soakCalls = Number(process.argv[4] ?? 100_000);

// A full collection before each heap reading, without asking for `node --expose-gc`.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

interface Setup {
  readonly fake: FakeCloud;
  readonly call: () => Promise<unknown>;
  close(): Promise<void>;
}

async function setup(inProcess: boolean): Promise<Setup> {
  const fake = await startFakeCloud({ inProcess });
  const cloud = await fake.connect();
  const volume = await cloud.blockStorage.createVolume({ name: 'bench', size: 1 });
  const id = volume.id;
  return {
    fake,
    call: () => cloud.blockStorage.getVolume(id),
    async close() {
      await cloud.close();
      await fake.close();
    },
  };
}

async function callsPerSecond(s: Setup, calls: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i++) await s.call();
  const seconds = (performance.now() - start) / 1000;
  s.fake.requests.length = 0;
  return calls / seconds;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const inProcess = await setup(true);
const socket = await setup(false);
try {
  await callsPerSecond(inProcess, 500); // warm-up: JIT, token, microversion negotiation
  await callsPerSecond(socket, 500);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(await callsPerSecond(inProcess, perRound));
    b.push(await callsPerSecond(socket, perRound));
  }
  const ma = median(a);
  const mb = median(b);
  const range = (v: number[]) => `${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)}`;
  console.log(`Node ${process.version}, ${rounds} rounds of ${perRound} sequential getVolume() calls:`);
  console.log(`in-process       ${ma.toFixed(0).padStart(6)} calls/s (rounds ${range(a)})`);
  console.log(`loopback socket  ${mb.toFixed(0).padStart(6)} calls/s (rounds ${range(b)})`);
  console.log(`in-process / socket: ${(ma / mb).toFixed(2)}×`);
  await socket.close();

  const before = heap();
  const started = performance.now();
  for (let i = 1; i <= soakCalls; i++) {
    await inProcess.call();
    if (i % 1000 === 0) inProcess.fake.requests.length = 0;
  }
  const soakSeconds = (performance.now() - started) / 1000;
  const after = heap();
  const mb1 = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(
    `soak: ${soakCalls} in-process calls in ${soakSeconds.toFixed(1)} s (${(soakCalls / soakSeconds).toFixed(0)}/s); ` +
      `heap ${mb1(before)} MB before, ${mb1(after)} MB after (${after >= before ? '+' : ''}${((after - before) / 1024).toFixed(0)} KB)`,
  );

  // What the request log itself holds, for a test that never clears it.
  const logged = 10_000;
  const base = heap();
  for (let i = 0; i < logged; i++) await inProcess.call();
  const withLog = heap();
  console.log(`request log: ${((withLog - base) / logged).toFixed(0)} bytes per recorded request`);
} finally {
  await inProcess.close();
}
