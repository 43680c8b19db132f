/**
 * Listing 100,000 volumes: the SDK's lazy pagination against a bare fetch + JSON.parse loop.
 *
 *   npx tsx bench/list-volumes.bench.ts
 *   LIST_BENCH_TOTAL=20000 LIST_BENCH_ROUNDS=3 npx tsx bench/list-volumes.bench.ts
 *
 * One local Cinder-like server (a child process, see list-volumes-server.ts) serves synthetic
 * detail objects of about 1 KB, built per page, in pages of 1,000 with `volumes_links` next
 * hrefs. Per round, in alternating order:
 *   baseline  fetch(next href) → res.text() → JSON.parse, reading `size` of every item;
 *   sdk       for await (const v of proxy.volumes({ limit: 1000 })) reading v.size, through a
 *             real connection (createConnection, admin_token, the default transport: undici).
 * For reference (not a target) a third loop uses bare undici `request()` on a keep-alive Agent
 * instead of fetch: the same HTTP client without the SDK, so sdk/undici is the SDK's whole overhead.
 * Reported: median wall time of each, the ratio sdk/baseline (target ≤ 1.0×), this process's CPU
 * time for each (user + system: what a busy machine disturbs least), and the peak RSS
 * growth during the SDK runs (target < 64 MB), sampled every 2 ms against the RSS just before the
 * run (after a full GC), and the heap still used after the run and a GC (a leak would show there).
 * No assertions: the figures are printed. Profile with
 *   LIST_BENCH_ROUNDS=2 node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/list-volumes.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent } from 'undici';
import { BlockStorageV2 } from '../generated/block-storage/v2/index.js';
import { createConnection } from '../runtime/connect.js';
import { startListServer } from './list-volumes-server.js';

const TOTAL = Number(process.env['LIST_BENCH_TOTAL'] ?? 100_000);
const PAGE = Number(process.env['LIST_BENCH_PAGE'] ?? 1000);
const ROUNDS = Number(process.env['LIST_BENCH_ROUNDS'] ?? 7);
const PROJECT = '5e1f0c1d2b3a49f8a7c6b5d4e3f2a1b0';
const TOKEN = 'gAAAAAB-list-bench-token';
const MB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Run {
  readonly ms: number;
  /** CPU time of this process (user + system, all threads: GC helpers too), ms. */
  readonly cpuMs: number;
  readonly items: number;
  readonly sum: number;
  readonly requests: number;
  /** Peak RSS minus RSS at the start (after GC), bytes. */
  readonly rssGrowth: number;
  /** Peak heapUsed minus heapUsed at the start, bytes. */
  readonly heapGrowth: number;
  /** RSS after the run and a GC, minus RSS before, bytes. */
  readonly rssRetained: number;
  /** heapUsed after the run and a GC, minus heapUsed before, bytes (a leak shows here). */
  readonly heapRetained: number;
}

/** Runs `body`, timing it and sampling memory every 2 ms. */
async function measured(body: () => Promise<{ items: number; sum: number; requests: number }>): Promise<Run> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const rss0 = process.memoryUsage.rss();
  const heap0 = process.memoryUsage().heapUsed;
  let rssPeak = rss0;
  let heapPeak = heap0;
  let ticks = 0;
  // memoryUsage.rss() is cheap; the full memoryUsage() walks the heap spaces, so only every 10th tick.
  const sample = (): void => {
    const rss = process.memoryUsage.rss();
    if (rss > rssPeak) rssPeak = rss;
    if (ticks++ % 10 === 0) {
      const heap = process.memoryUsage().heapUsed;
      if (heap > heapPeak) heapPeak = heap;
    }
  };
  const timer = setInterval(sample, 2);
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const out = await body();
  const cpu = process.cpuUsage(cpu0);
  const ms = performance.now() - started;
  clearInterval(timer);
  ticks = 0;
  sample();
  gc();
  const after = process.memoryUsage();
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...out,
    rssGrowth: rssPeak - rss0,
    heapGrowth: heapPeak - heap0,
    rssRetained: after.rss - rss0,
    heapRetained: after.heapUsed - heap0,
  };
}

async function baseline(endpoint: string): Promise<{ items: number; sum: number; requests: number }> {
  let url: string | undefined = `${endpoint}/volumes/detail?limit=${PAGE}`;
  let items = 0;
  let sum = 0;
  let requests = 0;
  const headers = { 'x-auth-token': TOKEN, accept: 'application/json' };
  while (url !== undefined) {
    const res = await fetch(url, { headers });
    requests++;
    if (!res.ok) throw new Error(`baseline: HTTP ${res.status} for ${url}`);
    const page = JSON.parse(await res.text()) as {
      volumes: { size: number }[];
      volumes_links?: { rel: string; href: string }[];
    };
    for (const v of page.volumes) {
      sum += v.size;
      items++;
    }
    url = page.volumes.length > 0 ? page.volumes_links?.find((l) => l.rel === 'next')?.href : undefined;
  }
  return { items, sum, requests };
}

const agent = new Agent({ keepAliveTimeout: 4000, keepAliveMaxTimeout: 4000 });

async function undiciGet(url: string, headers: Record<string, string>): Promise<string> {
  const { origin, pathname, search } = new URL(url);
  const res = await agent.request({ origin, path: pathname + search, method: 'GET', headers });
  const body = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`undici: HTTP ${res.statusCode}`);
  return body;
}

/** Same loop as the baseline on bare undici request(). */
async function bareUndici(endpoint: string): Promise<{ items: number; sum: number; requests: number }> {
  let url: string | undefined = `${endpoint}/volumes/detail?limit=${PAGE}`;
  let items = 0;
  let sum = 0;
  let requests = 0;
  const headers = { 'x-auth-token': TOKEN, accept: 'application/json' };
  while (url !== undefined) {
    const page = JSON.parse(await undiciGet(url, headers)) as {
      volumes: { size: number }[];
      volumes_links?: { rel: string; href: string }[];
    };
    requests++;
    for (const v of page.volumes) {
      sum += v.size;
      items++;
    }
    url = page.volumes.length > 0 ? page.volumes_links?.find((l) => l.rel === 'next')?.href : undefined;
  }
  return { items, sum, requests };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const server = await startListServer(TOTAL, PAGE, PROJECT);
  const family = { attribute: 'blockStorage', serviceType: 'block-storage', versions: [BlockStorageV2] } as const;
  const connection = await createConnection(
    {
      authType: 'admin_token',
      auth: { token: TOKEN, endpoint: server.endpoint },
      version: '2',
      env: false,
      cwd: '/nonexistent',
      homeDir: '/nonexistent',
      systemConfigDirs: [],
    },
    [family],
  );
  const proxy = connection.blockStorage;
  const sdkItems = async (): Promise<{ items: number; sum: number; requests: number }> => {
    let items = 0;
    let sum = 0;
    for await (const v of proxy.volumes({ limit: PAGE })) {
      sum += v.size!;
      items++;
    }
    return { items, sum, requests: 0 };
  };

  try {
    console.log(
      `list-volumes: ${TOTAL.toLocaleString('en')} volumes (~${server.volumeBytes} B each), pages of ${PAGE}, ` +
        `${ROUNDS} rounds alternating, node ${process.version}`,
    );
    // Warm-up: JIT, sockets, allocator.
    await baseline(server.endpoint);
    await sdkItems();
    await bareUndici(server.endpoint);

    const base: Run[] = [];
    const mine: Run[] = [];
    const floor: Run[] = [];
    const variants = [
      { runs: base, run: () => measured(() => baseline(server.endpoint)) },
      { runs: mine, run: () => measured(sdkItems) },
      { runs: floor, run: () => measured(() => bareUndici(server.endpoint)) },
    ];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate which goes first, so that none always runs on a warmer (or busier) machine.
      for (let k = 0; k < variants.length; k++) {
        const v = variants[(round + k) % variants.length];
        v.runs.push(await v.run());
      }
      const b = base.at(-1)!;
      const s = mine.at(-1)!;
      const f = floor.at(-1)!;
      if (b.items !== TOTAL || s.items !== TOTAL || f.items !== TOTAL || b.sum !== s.sum || f.sum !== s.sum) {
        throw new Error(
          `round ${round}: baseline saw ${b.items} (sum ${b.sum}), sdk ${s.items} (sum ${s.sum}), undici ${f.items}`,
        );
      }
      console.log(
        `  round ${round + 1}: baseline ${b.ms.toFixed(0)} ms, sdk ${s.ms.toFixed(0)} ms ` +
          `(${(s.ms / b.ms).toFixed(2)}×), undici ${f.ms.toFixed(0)} ms; client CPU ${b.cpuMs.toFixed(0)} / ${s.cpuMs.toFixed(0)} / ${f.cpuMs.toFixed(0)} ms; sdk peak RSS +${(s.rssGrowth / MB).toFixed(1)} MB, ` +
          `peak heap +${(s.heapGrowth / MB).toFixed(1)} MB, retained after GC: heap ${(s.heapRetained / MB).toFixed(2)} MB, RSS ${(s.rssRetained / MB).toFixed(1)} MB`,
      );
    }
    const bMs = median(base.map((r) => r.ms));
    const sMs = median(mine.map((r) => r.ms));
    const rss = median(mine.map((r) => r.rssGrowth));
    const rssMax = Math.max(...mine.map((r) => r.rssGrowth));
    const baseRss = median(base.map((r) => r.rssGrowth));
    const fMs = median(floor.map((r) => r.ms));
    const retained = median(mine.map((r) => r.heapRetained));
    console.log('');
    console.log(
      `  baseline (fetch + JSON.parse)   median ${bMs.toFixed(0)} ms  (${((TOTAL / bMs) * 1000).toFixed(0)} volumes/s)`,
    );
    console.log(
      `  sdk (proxy.volumes)             median ${sMs.toFixed(0)} ms  (${((TOTAL / sMs) * 1000).toFixed(0)} volumes/s)`,
    );
    console.log(`  bare undici + JSON.parse        median ${fMs.toFixed(0)} ms  (reference: the same client, no SDK)`);
    console.log(`  ratio sdk/baseline              ${(sMs / bMs).toFixed(2)}×   (target ≤ 1.0×)`);
    console.log(`  ratio sdk/undici                ${(sMs / fMs).toFixed(2)}×   (the SDK's whole overhead)`);
    const bCpu = median(base.map((r) => r.cpuMs));
    const sCpu = median(mine.map((r) => r.cpuMs));
    const fCpu = median(floor.map((r) => r.cpuMs));
    console.log(
      `  client CPU (this process)       median ${bCpu.toFixed(0)} / ${sCpu.toFixed(0)} / ${fCpu.toFixed(0)} ms baseline / sdk / undici: ` +
        `sdk/baseline ${(sCpu / bCpu).toFixed(2)}× (less sensitive to a busy machine than wall time; the server's CPU is not in it)`,
    );
    console.log(
      `  sdk peak RSS growth             median ${(rss / MB).toFixed(1)} MB, max ${(rssMax / MB).toFixed(1)} MB   (target < 64 MB; baseline median ${(baseRss / MB).toFixed(1)} MB)`,
    );
    console.log(`  sdk heap retained after a run   median ${(retained / MB).toFixed(2)} MB   (a leak would grow this)`);
  } finally {
    await connection.close();
    await agent.close();
    await server.stop();
  }
}

await main();
