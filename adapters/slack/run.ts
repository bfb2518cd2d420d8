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
  options.tasks.track((signal) => answer(options, request, target, render, signal));
}

/** Runs one request to its answer; send failures are logged (with the door and command, never the text). */
export async function answer(options: RunOptions, request: ChatRequest, target: AnswerTarget, render: RenderOptions, signal: AbortSignal): Promise<void> {
  const log = options.log.child({ door: request.door, channel: request.channelId, user: request.userId, command: firstWord(request.text) });
  const report = (what: string) => (error: unknown): void => log.error({ err: error }, what);
  let pending: Promise<void> | undefined;
  const withRespond: ChatRequest = {
    ...request,
    respond: (reply) => target.interim(renderReply(reply, render).main),
  };
  const timer = setTimeout(() => {
    pending = target.interim(renderInterim(request.text)).catch(report('could not show "checking …"'));
  }, options.interimAfterMs);
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

export function createTaskTracker(log: Logger): TaskTracker {
  const running = new Set<Promise<void>>();
  const controller = new AbortController();
  return {
    track(work) {
      const task = work(controller.signal)
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
