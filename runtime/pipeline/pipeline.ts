/**
 * `Pipeline`: an ordered list of policies (presets.ts builds the lists) and `use()` to add one.
 * The chain is composed once and again only after `use()`, so a request pays one closure call per
 * policy and nothing else.
 */
import { InvalidArgumentError, SdkError } from '../errors.js';
import type { HttpResponse } from '../http/types.js';
import type { Next, PipelineRequest, Policy, PolicyInput, PolicyPosition } from './types.js';

/** Where `phase: 'call'` policies go: after this policy of the preset (the request is complete but for its token). */
const CALL_ANCHOR = 'headers';

export class Pipeline {
  readonly #policies: Policy[];
  /** Index at which the next `call` phase policy is inserted (after the earlier ones). */
  #callEnd: number;
  #run: Next | undefined;

  /** `policies` must end with the transport (the one policy that does not call `next`). */
  constructor(policies: readonly Policy[]) {
    this.#policies = [...policies];
    const anchor = this.#policies.findIndex((p) => p.name === CALL_ANCHOR);
    this.#callEnd = anchor >= 0 ? anchor + 1 : 0;
  }

  /** The policies' names, in the order a request meets them. */
  get names(): string[] {
    return this.#policies.map((p) => p.name);
  }

  /** Adds a policy (see `PolicyPosition`); returns the pipeline, so calls chain. */
  use(input: PolicyInput, position: PolicyPosition = {}): this {
    const policy: Policy = typeof input === 'function' ? { name: 'custom', sendRequest: input } : input;
    if (typeof policy.sendRequest !== 'function')
      throw new InvalidArgumentError('policy', 'needs a sendRequest(request, next) function');
    let index: number;
    if (position.before !== undefined || position.after !== undefined) {
      const name = position.before ?? position.after ?? '';
      const at = this.#policies.findIndex((p) => p.name === name);
      if (at < 0)
        throw new InvalidArgumentError('position', `no policy named "${name}" (there are: ${this.names.join(', ')})`);
      index = position.before !== undefined ? at : at + 1;
    } else if (position.phase === 'attempt') {
      index = this.#policies.length - 1; // right before the transport
    } else {
      index = this.#callEnd;
    }
    if (index <= this.#callEnd) this.#callEnd++;
    this.#policies.splice(index, 0, policy);
    this.#run = undefined;
    return this;
  }

  /** Sends a request through every policy. */
  send(request: PipelineRequest): Promise<HttpResponse> {
    this.#run ??= compose(this.#policies);
    try {
      return this.#run(request);
    } catch (error) {
      // A policy that throws before its first await: still a rejection, like every other failure.
      return Promise.reject(error instanceof Error ? error : new SdkError(String(error)));
    }
  }
}

function compose(policies: readonly Policy[]): Next {
  let next: Next = () => Promise.reject(new SdkError('the request pipeline ends without a transport'));
  for (let i = policies.length - 1; i >= 0; i--) {
    const policy = policies[i];
    const rest = next;
    next = (request) => policy.sendRequest(request, rest);
  }
  return next;
}
