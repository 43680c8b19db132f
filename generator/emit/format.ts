/**
 * Prettier, in-process, on worker threads. Formatting is most of a regeneration's time and every
 * file is independent, so the files are spread over one worker per core. The workers start (and
 * load prettier) while the main thread is still emitting, so that cost overlaps too. The output
 * does not depend on which worker formatted which file.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Options } from 'prettier';

/** The worker: plain JavaScript (eval'd), so it runs the same under tsx, vitest and node. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.prettier).then((mod) => {
  const prettier = typeof mod.format === 'function' ? mod : mod.default;
  parentPort.on('message', async ({ id, text, options }) => {
    try {
      parentPort.postMessage({ id, text: await prettier.format(text, options) });
    } catch (error) {
      parentPort.postMessage({ id, error: String(error && error.stack || error) });
    }
  });
  parentPort.postMessage({ ready: true });
});
`;

interface Reply {
  readonly id?: number;
  readonly text?: string;
  readonly error?: string;
  readonly ready?: boolean;
}

export class FormatPool {
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  readonly #load: number[] = [];
  #next = 0;

  constructor(size = Math.max(1, Math.min(4, availableParallelism()))) {
    const prettier = pathToFileURL(createRequire(import.meta.url).resolve('prettier')).href;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { prettier } });
      worker.on('message', (reply: Reply) => this.#settle(reply));
      worker.on('error', (error) => this.#failAll(error));
      this.#workers.push(worker);
      this.#load.push(0);
    }
  }

  /** Formats one file on the least loaded worker (load counted in characters). */
  format(text: string, options: Options): Promise<string> {
    const id = this.#next++;
    let target = 0;
    for (let i = 1; i < this.#load.length; i++) if (this.#load[i]! < this.#load[target]!) target = i;
    this.#load[target]! += text.length;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#workers[target]!.postMessage({ id, text, options });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  #settle(reply: Reply): void {
    if (reply.ready || reply.id === undefined) return;
    const entry = this.#pending.get(reply.id);
    if (!entry) return;
    this.#pending.delete(reply.id);
    if (reply.error !== undefined) entry.reject(new Error(`prettier failed: ${reply.error}`));
    else entry.resolve(reply.text ?? '');
  }

  #failAll(error: Error): void {
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }
}
