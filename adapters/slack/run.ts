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

function firstWord(text: string): string {
  return (/^\S{1,40}/.exec(text.trim())?.[0] ?? '').toLowerCase();
}
