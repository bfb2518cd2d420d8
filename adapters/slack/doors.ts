import type { App, BlockAction, ButtonAction, Context, MessageShortcut } from '@slack/bolt';
import type { ChatRequest, Door } from '../../src/core/chat-request';
import type { Logger } from '../../src/core/command';
import type { Router } from '../../src/core/router';
import type { Deduper } from './dedupe';
import { homeView } from './home';
import { fromBlockAction, fromDirectMessage, fromMention, fromMessageShortcut, fromSlashCommand } from './normalise';
import { RUN_ACTION_PREFIX } from './render';
import { runInBackground, type RunOptions } from './run';
import { conversationTarget, fallbackTarget, responseUrlTarget, type AnswerTarget, type ChatApi } from './send';

/**
 * The doors: each Bolt listener acknowledges first (Slack's 3-second window), normalises its payload to a
 * ChatRequest and hands it to the router in the background, with the target its answer goes to.
 */

/** The callback id of the message shortcut "Explain this error" (manifest/slack.yaml). */
export const EXPLAIN_SHORTCUT = 'explain_message';

export interface DoorDeps {
  router: Router;
  log: Logger;
  run: RunOptions;
  slashCommand: string;
  dedupe: Deduper;
  /** The Web API for the workspace a request came from (Bolt hands each listener its client). */
  chat(client: App['client']): ChatApi;
  /** A poster bound to one response_url (checked, with timeout and retries). */
  responseUrl(url: string): (body: object) => Promise<void>;
  /** Acknowledgement latency, measured from the request's arrival. */
  acked?(door: Door, seconds: number): void;
}

export function registerDoors(app: App, deps: DoorDeps): void {
  const { log } = deps;
  const acked = (door: Door, context: Context): void => {
    const receivedAt: unknown = context.receivedAt;
    if (typeof receivedAt === 'number') deps.acked?.(door, (performance.now() - receivedAt) / 1000);
  };
  const ephemeral = (url: string): AnswerTarget => responseUrlTarget(deps.responseUrl(url), { public: false });
  const inConversation = (
    client: App['client'],
    channel: string,
    thread: string | undefined,
    responseUrl?: string,
  ): AnswerTarget => {
    const primary = conversationTarget(deps.chat(client), channel, thread);
    return responseUrl ? fallbackTarget(primary, ephemeral(responseUrl), log) : primary;
  };
  const start = (request: ChatRequest, target: AnswerTarget, continuation: 'thread' | 'below'): void =>
    runInBackground(deps.run, request, target, { continuation });

  // Slack redelivers an event it thinks we missed: answer each event_id once. A slash command, shortcut or
  // button carries a trigger_id unique to that one invocation instead; a retry of it is answered once too.
  app.use(async (args) => {
    const { body, context, next } = args;
    const { event_id: eventId, trigger_id: triggerId } = body as { event_id?: unknown; trigger_id?: unknown };
    const key =
      typeof eventId === 'string' ? eventId : typeof triggerId === 'string' ? `trigger:${triggerId}` : undefined;
    // A trigger_id seen again is dropped only when Slack marks the delivery as its retry (X-Slack-Retry-Num).
    const duplicate =
      key !== undefined &&
      !(await deps.dedupe.firstSeen(key)) &&
      (typeof eventId === 'string' || context.retryNum !== undefined);
    if (duplicate) {
      log.info(
        { eventId: key, retryNum: context.retryNum, retryReason: context.retryReason },
        'Slack redelivered a request already handled; skipped',
      );
      // Commands, shortcuts and buttons wait for an explicit acknowledgement (events are acknowledged by Bolt).
      const { ack } = args as { ack?: () => Promise<void> };
      await ack?.();
      return;
    }
    await next();
  });

  app.command(deps.slashCommand, async ({ command, ack, context }) => {
    await ack();
    acked('command', context);
    const { request, public: isPublic } = fromSlashCommand(command);
    start(request, responseUrlTarget(deps.responseUrl(command.response_url), { public: isPublic }), 'below');
  });

  app.event('app_mention', async ({ event, body, client, context }) => {
    acked('mention', context);
    if (!event.user || event.bot_id) return;
    const request = fromMention(event, body.team_id);
    start(request, inConversation(client, event.channel, request.threadId), 'thread');
  });

  app.event('message', async ({ event, body, client, context }) => {
    if (event.channel_type !== 'im' || event.subtype !== undefined || event.bot_id) return;
    acked('dm', context);
    const request = fromDirectMessage(event, body.team_id);
    if (request.text === '') return;
    start(request, inConversation(client, event.channel, event.thread_ts), 'thread');
  });

  app.shortcut<MessageShortcut>(
    { callback_id: EXPLAIN_SHORTCUT, type: 'message_action' },
    async ({ shortcut, ack, client, context }) => {
      await ack();
      acked('shortcut', context);
      const explain = deps.router.commands().some((c) => c.name === 'explain') ? 'explain' : undefined;
      const request = fromMessageShortcut(shortcut, explain);
      start(request, inConversation(client, shortcut.channel.id, request.threadId, shortcut.response_url), 'thread');
    },
  );

  app.action<BlockAction<ButtonAction>>(
    { type: 'block_actions', action_id: new RegExp(`^${RUN_ACTION_PREFIX.replace(/\./g, '\\.')}`) },
    async ({ action, body, ack, client, context }) => {
      await ack();
      acked('action', context);
      const request = fromBlockAction(body, action.value ?? '');
      const container: Record<string, unknown> = body.container ?? {};
      if (!body.message || container.type === 'view') {
        // A button on the App Home tab: answer in the person's DM with the app.
        start(request, inConversation(client, body.user.id, undefined), 'thread');
      } else if (container.is_ephemeral === true) {
        // A button under an ephemeral answer (a slash command's): a new ephemeral answer below it.
        start(request, ephemeral(body.response_url), 'below');
      } else {
        start(request, inConversation(client, request.channelId, request.threadId, body.response_url), 'thread');
      }
    },
  );

  app.event('app_home_opened', async ({ event, client, context }) => {
    if (event.tab !== 'home') return;
    acked('dm', context);
    deps.run.tasks.track(async (signal) => {
      const help = await deps.router.handle(
        { platform: 'slack', door: 'dm', userId: event.user, channelId: event.channel, rawText: 'help', text: 'help' },
        signal,
      );
      await client.views.publish({ user_id: event.user, view: homeView(help, deps.slashCommand) });
    });
  });

  app.error(async (error) => {
    log.error({ err: error }, 'a Slack listener failed');
  });
}
