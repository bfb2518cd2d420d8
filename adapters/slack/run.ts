import type { ChatRequest } from '../../src/core/chat-request';
import type { Logger } from '../../src/core/command';
import type { Router } from '../../src/core/router';
import { renderInterim, renderReply, type RenderOptions } from './render';
import type { AnswerTarget } from './send';
import type { TaskTracker } from './tasks';

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
  /** Delivering an answer (Slack's API, a response_url) gives up after this long (default 60 s), outside the answer's slot. */
  deliveryDeadlineMs?: number;
}

/** Starts one request in the background; returns at once (the caller has already acknowledged). */
export function runInBackground(
  options: RunOptions,
  received: ChatRequest,
  target: AnswerTarget,
  render: RenderOptions = {},
): void {
  const acceptedAt = performance.now();
  // The entrance: from here on only the scrubbed text exists (interim, log lines, the answer).
  const request = options.router.intake?.(received) ?? received;
  options.tasks.track(
    (signal, leave) => answer(options, request, target, render, signal, acceptedAt, leave),
    `${request.teamId ?? ''}:${request.userId}`,
  );
}

/**
 * Runs one request to its answer; send failures are logged (with the door and command, never the text).
 * "checking …" is due `interimAfterMs` after the request was accepted, time spent queued included.
 */
export async function answer(
  options: RunOptions,
  request: ChatRequest,
  target: AnswerTarget,
  render: RenderOptions,
  signal: AbortSignal,
  acceptedAt = performance.now(),
  leave: () => void = () => undefined,
): Promise<void> {
  const log = options.log.child({
    door: request.door,
    channel: request.channelId,
    user: request.userId,
    command: firstWord(request.text),
  });
  const report =
    (what: string) =>
    (error: unknown): void =>
      log.error({ err: error }, what);
  let pending: Promise<void> | undefined;
  const withRespond: ChatRequest = {
    ...request,
    respond: (reply) => target.interim(renderReply(reply, render).main),
  };
  const timer = setTimeout(
    () => {
      pending = target.interim(renderInterim(request.text)).catch(report('could not show "checking …"'));
    },
    Math.max(0, options.interimAfterMs - (performance.now() - acceptedAt)),
  );
  try {
    const reply = await options.router.handle(withRespond, signal);
    clearTimeout(timer);
    // The answer is ready: its slot goes to the next person while Slack is slow to take it, if it is.
    leave();
    const deadlineMs = options.deliveryDeadlineMs ?? 60_000;
    const delivery = target.final(renderReply(reply, render)).then(
      () => true,
      (error: unknown) => {
        report('could not deliver the answer to Slack')(error);
        return false;
      },
    );
    const delivered = await within(delivery, deadlineMs);
    if (delivered === undefined)
      log.error({ deadlineMs }, 'delivering the answer to Slack did not finish in time; given up');
  } finally {
    clearTimeout(timer);
    await pending;
  }
}

/** The promise's value, or undefined once `ms` have passed (the promise itself keeps its own timeouts). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(resolve, ms, undefined);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function firstWord(text: string): string {
  return (/^\S{1,40}/.exec(text.trim())?.[0] ?? '').toLowerCase();
}
