import type { ChatRequest } from '../../src/core/chat-request';
import type { Logger } from '../../src/core/command';
import type { Router } from '../../src/core/router';
import { renderInterim, renderReply, type RenderOptions } from './render';
import type { AnswerTarget } from './send';

/**
 * The work behind an acknowledgement: run the request through the router, show "checking …" when it is slow,
 * then the answer. Runs in the background after ack(); every run is tracked so stop() can wait for it.
 */

export interface RunOptions {
  router: Router;
  log: Logger;
  /** A check still running after this long first shows "checking …" (Slack users see nothing until then). */
  interimAfterMs: number;
  tasks: TaskTracker;
}

/** Starts one request in the background; returns at once (the caller has already acknowledged). */
export function runInBackground(options: RunOptions, request: ChatRequest, target: AnswerTarget, render: RenderOptions = {}): void {
  const acceptedAt = performance.now();
  options.tasks.track((signal) => answer(options, request, target, render, signal, acceptedAt));
}

/**
 * Runs one request to its answer; send failures are logged (with the door and command, never the text).
 * "checking …" is due `interimAfterMs` after the request was accepted, time spent queued included.
 */
export async function answer(
  options: RunOptions, request: ChatRequest, target: AnswerTarget, render: RenderOptions, signal: AbortSignal, acceptedAt = performance.now(),
): Promise<void> {
  const log = options.log.child({ door: request.door, channel: request.channelId, user: request.userId, command: firstWord(request.text) });
  const report = (what: string) => (error: unknown): void => log.error({ err: error }, what);
  let pending: Promise<void> | undefined;
  const withRespond: ChatRequest = {
    ...request,
    respond: (reply) => target.interim(renderReply(reply, render).main),
  };
  const timer = setTimeout(() => {
    pending = target.interim(renderInterim(request.text)).catch(report('could not show "checking …"'));
  }, Math.max(0, options.interimAfterMs - (performance.now() - acceptedAt)));
  try {
    const reply = await options.router.handle(withRespond, signal);
    clearTimeout(timer);
    await target.final(renderReply(reply, render)).catch(report('could not deliver the answer to Slack'));
  } finally {
    clearTimeout(timer);
    await pending;
  }
}

/** Background work that stop() can wait for, and abort when it will not finish in time. */
export interface TaskTracker {
  track(work: (signal: AbortSignal) => Promise<void>): void;
  /** Waits for running work up to `graceMs`, then aborts what is left. */
  drain(graceMs: number): Promise<void>;
  readonly size: number;
}

/**
 * At most `concurrency` answers are worked on at once, each started on a later turn of the event loop. Acks are
 * what Slack times (3 s); answers have minutes. Under a burst, unbounded answer work in the same process competes
 * with the requests still waiting to be acknowledged (bench/slack measured 2–2.5× the bare Bolt ack latency
 * without the bound, about 1× with it). Checks wait on the network, not the CPU, so the bound is generous.
 */
export function createTaskTracker(log: Logger, options: { concurrency?: number } = {}): TaskTracker {
  const concurrency = Math.max(1, options.concurrency ?? 32);
  const running = new Set<Promise<void>>();
  const waiting: Array<() => void> = [];
  let active = 0;
  const controller = new AbortController();
  const slot = (): Promise<void> => new Promise((resolve) => {
    const take = (): void => {
      active += 1;
      resolve();
    };
    setImmediate(() => (active < concurrency ? take() : waiting.push(take)));
  });
  const release = (): void => {
    active -= 1;
    waiting.shift()?.();
  };
  return {
    track(work) {
      const task = slot()
        .then(async () => {
          try {
            // Work still queued when stop() gave up is dropped rather than started.
            if (!controller.signal.aborted) await work(controller.signal);
          } finally {
            release();
          }
        })
        .catch((error: unknown) => log.error({ err: error }, 'Slack background task failed'))
        .finally(() => running.delete(task));
      running.add(task);
    },
    async drain(graceMs) {
      if (await settledWithin([...running], graceMs)) return;
      log.warn({ running: running.size }, 'Slack tasks still running at stop; aborting them');
      controller.abort(new Error('diagbot is stopping'));
      // A handler that ignores the signal must not hold shutdown forever either.
      if (!(await settledWithin([...running], graceMs))) log.error({ running: running.size }, 'Slack tasks did not stop');
    },
    get size() {
      return running.size;
    },
  };
}

async function settledWithin(tasks: Promise<unknown>[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const outcome = await Promise.race([Promise.allSettled(tasks).then(() => true as const), timeout]);
  clearTimeout(timer);
  return outcome;
}

function firstWord(text: string): string {
  return (/^\S{1,40}/.exec(text.trim())?.[0] ?? '').toLowerCase();
}
