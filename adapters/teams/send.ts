import { ActivityTypes, TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { ChatRequest } from '../../src/core/chat-request';
import type { Logger } from '../../src/core/command';
import type { Reply } from '../../src/core/reply';
import type { Router } from '../../src/core/router';
import { cardAttachment, type AdaptiveCard } from './card';
import { renderCard, renderPendingCard } from './render';

/**
 * Answering: a quick check answers with its card inside the turn; one still running after `typingAfterMs`
 * shows a typing indicator first; one still running after `interimAfterMs` shows
 * a "checking …" card, ends the turn (Teams retries a request that is not answered within 15 s) and later
 * replaces that card in place through a proactive turn on the conversation reference.
 */

export function cardMessage(card: AdaptiveCard): Partial<Activity> {
  return { type: ActivityTypes.Message, attachments: [cardAttachment(card)] };
}

/** Resolves with the promise's value, or `undefined` once `ms` have passed (the promise keeps running). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The one call of botframework-connector's ConnectorClient used here (the class is not exported by botbuilder). */
interface ConnectorClientLike {
  conversations: { sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<{ id?: string }> };
}

export interface SenderOptions {
  adapter: CloudAdapter;
  /** Our app id ('' in local mode): the identity of proactive turns. */
  botAppId: string;
  router: Router;
  log: Logger;
  interimAfterMs: number;
  /** After this long without an answer, a typing indicator is shown. */
  typingAfterMs: number;
  /** Aborted when the door stops. */
  signal: AbortSignal;
  /** Keeps a background promise so stop() can wait for it. */
  track(task: Promise<unknown>): void;
}

export interface Sender {
  answer(ctx: TurnContext, request: ChatRequest): Promise<void>;
  /** Posts a Reply as a new message where the reference points (digests, `respond`). */
  postToReference(reference: Partial<ConversationReference>, reply: Reply): Promise<{ messageId?: string }>;
}

export function createSender(options: SenderOptions): Sender {
  const { adapter, botAppId, router, log } = options;

  /**
   * A new message in the referenced conversation (a thread when its id carries `;messageid=`). It goes
   * through `sendToConversation`: `ctx.sendActivity` in a proactive turn would make it a reply to the
   * continuation activity's made-up id.
   */
  async function sendNew(
    ctx: TurnContext,
    reference: Partial<ConversationReference>,
    message: Partial<Activity>,
  ): Promise<string | undefined> {
    const { activityId: _replyTo, ...target } = reference;
    const activity = TurnContext.applyConversationReference({ ...message }, target);
    const client = ctx.turnState.get(adapter.ConnectorClientKey) as ConnectorClientLike | undefined;
    if (!client || !target.conversation) throw new Error('the proactive turn has no connector client');
    return (await client.conversations.sendToConversation(target.conversation.id, activity)).id;
  }

  async function postToReference(
    reference: Partial<ConversationReference>,
    reply: Reply,
  ): Promise<{ messageId?: string }> {
    let messageId: string | undefined;
    await adapter.continueConversationAsync(botAppId, reference, async (ctx) => {
      messageId = await sendNew(ctx, reference, cardMessage(renderCard(reply)));
    });
    return { messageId };
  }

  async function finishLater(
    reference: Partial<ConversationReference>,
    pendingId: string | undefined,
    work: Promise<Reply>,
  ): Promise<void> {
    const reply = await work;
    const message = cardMessage(renderCard(reply));
    await adapter.continueConversationAsync(botAppId, reference, async (ctx) => {
      if (pendingId) {
        try {
          await ctx.updateActivity({ ...message, id: pendingId });
          return;
        } catch (error) {
          // The pending card may have been deleted, or the client may not allow edits: post instead.
          log.warn(
            { err: error, conversation: reference.conversation?.id },
            'updating the pending card failed; posting the answer as a new message',
          );
        }
      }
      await sendNew(ctx, reference, message);
    });
  }

  async function answer(ctx: TurnContext, request: ChatRequest): Promise<void> {
    const reference = TurnContext.getConversationReference(ctx.activity);
    const respond = async (reply: Reply): Promise<void> => {
      await postToReference(reference, reply);
    };
    const work = router.handle({ ...request, respond }, options.signal);
    // The typing indicator goes out only when the answer is not already there: for a quick check it would
    // cost a Bot Connector round trip to show "typing" for no time at all.
    const typingAfterMs = Math.min(options.typingAfterMs, options.interimAfterMs);
    let quick = await within(work, typingAfterMs);
    if (!quick) {
      await ctx.sendActivity({ type: ActivityTypes.Typing });
      quick = await within(work, options.interimAfterMs - typingAfterMs);
    }
    if (quick) {
      await ctx.sendActivity(cardMessage(renderCard(quick)));
      return;
    }
    const pending = await ctx.sendActivity(cardMessage(renderPendingCard(request.text)));
    const later = finishLater(reference, pending?.id, work).catch((error: unknown) => {
      log.error({ err: error, conversation: request.channelId }, 'posting a slow answer failed');
    });
    options.track(later);
  }

  return { answer, postToReference };
}
