import type { types as Slack } from '@slack/bolt';
import type { Logger } from '../../src/core/command';
import { DiagError, httpStatusOf, isDiagError } from '../../src/core/errors';
import type { Destination, PostPort } from '../../src/core/post';
import type { Reply } from '../../src/core/reply';
import { renderReply, type RenderedReply, type SlackMessage } from './render';

/**
 * Where an answer goes and how it gets there: a `response_url` (slash commands, buttons, the shortcut's
 * fallback) or a conversation through the Web API (mentions, DMs, the shortcut, scheduled posts). Each target
 * sends its messages in order, so "checking …" can never land after the answer that replaces it.
 */

/** The part of the Web API the adapter uses (a Bolt `WebClient` satisfies it through two small arrows). */
export interface ChatApi {
  postMessage(args: {
    channel: string;
    thread_ts?: string;
    text: string;
    blocks: Slack.KnownBlock[];
  }): Promise<{ ts?: string }>;
  update(args: { channel: string; ts: string; text: string; blocks: Slack.KnownBlock[] }): Promise<unknown>;
}

/** How hard to try a response_url: each attempt has a deadline; 429 waits `Retry-After`, 5xx backs off. */
export interface RetryPolicy {
  timeoutMs: number;
  retries: number;
  retryMinMs: number;
  retryMaxMs: number;
}

export interface AnswerTarget {
  /** Shows a temporary message ("checking …", or a command's interim Reply); a later one replaces it. */
  interim(message: SlackMessage): Promise<void>;
  /** The answer: replaces the interim message when one was shown; follow-ups carry what did not fit. */
  final(rendered: RenderedReply): Promise<void>;
}

/**
 * Thrown when a response_url or Web API call gives up: a DiagError `send.failed`, Slack's HTTP status in
 * `data.status` when it answered. The message names the URL's host, never a token.
 */
export function sendError(
  message: string,
  status?: number,
  options: { cause?: unknown } = {},
): DiagError<'send.failed'> {
  return new DiagError('send.failed', message, {
    cause: options.cause,
    data: status === undefined ? undefined : { status },
  });
}

/** A Retry-After longer than this is treated as this long, so one answer cannot hold a task for an hour. */
const MAX_RETRY_AFTER_MS = 120_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** response_urls Slack hands out live on hooks.slack.com (or GovSlack); tests point the API URL's origin at a capture server. */
export function isAllowedResponseUrl(url: string, apiUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (apiUrl) {
    try {
      if (parsed.origin === new URL(apiUrl).origin) return true;
    } catch {
      // an invalid apiUrl is refused by the config schema; fall through to the Slack hosts
    }
  }
  return parsed.protocol === 'https:' && /(^|\.)slack(-gov)?\.com$/i.test(parsed.hostname);
}

/**
 * POSTs one message to a response_url. Slack answers 200 when it took it, 404 when the URL expired or was used
 * up (not retried), 429 with `Retry-After` when it wants us to slow down, 5xx when it had a bad moment.
 */
export async function postToResponseUrl(
  url: string,
  body: object,
  policy: RetryPolicy,
  fetchFn: typeof fetch = fetch,
): Promise<void> {
  const host = safeHost(url);
  let lastError: DiagError<'send.failed'> | undefined;
  for (let attempt = 0; attempt <= policy.retries; attempt += 1) {
    let wait = Math.min(policy.retryMaxMs, policy.retryMinMs * 2 ** attempt);
    try {
      const response = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      lastError = sendError(`response_url on ${host} answered ${response.status}`, response.status);
      if (response.status === 429) {
        const retryAfter = Number(response.headers.get('retry-after'));
        // Slack's Retry-After is honoured as given (up to a ceiling), even beyond our own backoff ceiling.
        if (Number.isFinite(retryAfter) && retryAfter >= 0) wait = Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS);
      } else if (response.status < 500) {
        throw lastError;
      }
    } catch (error) {
      const status = isDiagError(error, 'send.failed') ? httpStatusOf(error) : undefined;
      if (status !== undefined && status < 500 && status !== 429) throw error;
      if (!isDiagError(error, 'send.failed')) {
        const what =
          error instanceof Error && error.name === 'TimeoutError' ? `timed out after ${policy.timeoutMs} ms` : 'failed';
        lastError = sendError(`response_url on ${host} ${what}`, undefined, { cause: error });
      }
    }
    if (attempt < policy.retries) await sleep(wait);
  }
  throw lastError ?? sendError(`response_url on ${host} failed`);
}

/** Answers through a response_url: ephemeral by default, `in_channel` for `--public`. */
export function responseUrlTarget(post: (body: object) => Promise<void>, options: { public: boolean }): AnswerTarget {
  let interimShown = false;
  const queue = serial();
  return {
    interim: (message) =>
      queue(async () => {
        await post({
          response_type: 'ephemeral',
          replace_original: interimShown,
          text: message.text,
          blocks: message.blocks,
        });
        interimShown = true;
      }),
    final: (rendered) =>
      queue(async () => {
        if (options.public) {
          // An ephemeral "checking …" cannot turn into a channel message: remove it, then post the answer.
          if (interimShown) await post({ delete_original: true }).catch(() => undefined);
          await post({ response_type: 'in_channel', text: rendered.main.text, blocks: rendered.main.blocks });
        } else {
          await post({
            response_type: 'ephemeral',
            replace_original: interimShown,
            text: rendered.main.text,
            blocks: rendered.main.blocks,
          });
        }
        for (const message of rendered.rest) {
          await post({
            response_type: options.public ? 'in_channel' : 'ephemeral',
            replace_original: false,
            text: message.text,
            blocks: message.blocks,
          });
        }
      }),
  };
}

/**
 * Answers in a conversation through the Web API: the interim message is posted, then updated into the answer
 * (chat.update); follow-ups go to the thread (the request's own, or the answer's).
 */
export function conversationTarget(api: ChatApi, channel: string, threadTs: string | undefined): AnswerTarget {
  let interimTs: string | undefined;
  const queue = serial();
  return {
    interim: (message) =>
      queue(async () => {
        if (interimTs) {
          await api.update({ channel, ts: interimTs, text: message.text, blocks: message.blocks });
        } else {
          interimTs = (
            await api.postMessage({ channel, thread_ts: threadTs, text: message.text, blocks: message.blocks })
          ).ts;
        }
      }),
    final: (rendered) =>
      queue(async () => {
        let mainTs = interimTs;
        if (mainTs) await api.update({ channel, ts: mainTs, text: rendered.main.text, blocks: rendered.main.blocks });
        else
          mainTs = (
            await api.postMessage({
              channel,
              thread_ts: threadTs,
              text: rendered.main.text,
              blocks: rendered.main.blocks,
            })
          ).ts;
        for (const message of rendered.rest) {
          await api.postMessage({ channel, thread_ts: threadTs ?? mainTs, text: message.text, blocks: message.blocks });
        }
      }),
  };
}

/** Web API errors after which the response_url is the better way (the bot is not in that channel). */
const NOT_THERE = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/** Tries `primary`; when Slack says the bot cannot post there, switches to `fallback` for good. */
export function fallbackTarget(primary: AnswerTarget, fallback: AnswerTarget, log: Logger): AnswerTarget {
  let current = primary;
  const attempt = async (send: (target: AnswerTarget) => Promise<void>): Promise<void> => {
    try {
      await send(current);
    } catch (error) {
      const code = slackErrorCode(error);
      if (current === fallback || !code || !NOT_THERE.has(code)) throw error;
      log.info({ code }, 'cannot post in the conversation; answering through the response_url');
      current = fallback;
      await send(current);
    }
  };
  return {
    interim: (message) => attempt((t) => t.interim(message)),
    final: (rendered) => attempt((t) => t.final(rendered)),
  };
}

/** The scheduler's way to post (chat.postMessage); what does not fit in one message goes to its thread. */
export function createPostPort(api: () => ChatApi): PostPort {
  return {
    platform: 'slack',
    async post(destination: Destination, reply: Reply) {
      if (destination.platform !== 'slack')
        throw sendError(`the Slack post port cannot post to ${destination.platform}`);
      const { main, rest } = renderReply(reply, { continuation: 'thread' });
      const client = api();
      const { ts } = await client.postMessage({
        channel: destination.channelId,
        thread_ts: destination.threadId,
        text: main.text,
        blocks: main.blocks,
      });
      for (const message of rest) {
        await client.postMessage({
          channel: destination.channelId,
          thread_ts: destination.threadId ?? ts,
          text: message.text,
          blocks: message.blocks,
        });
      }
      return { messageId: ts };
    },
  };
}

/** The `error` code of a Web API platform error (`not_in_channel`, `invalid_blocks`, …). */
export function slackErrorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object' || !('data' in error)) return undefined;
  const data = (error as { data: unknown }).data;
  if (data === null || typeof data !== 'object') return undefined;
  const code = (data as { error?: unknown }).error;
  return typeof code === 'string' ? code : undefined;
}

/** Runs tasks one after another; a failed task does not stop the next one, but its caller sees the error. */
function serial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}
