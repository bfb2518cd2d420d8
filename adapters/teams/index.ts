import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TurnContext,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
import type { Logger } from '../../src/core/command';
import { DiagError, httpStatusOf, isDiagError } from '../../src/core/errors';
import type { ConversationReferenceStore, Destination, PostPort } from '../../src/core/post';
import type { Reply } from '../../src/core/reply';
import type { Router } from '../../src/core/router';
import type { ChatRequest } from '../../src/core/chat-request';
import type { HttpHost } from '../../src/core/http-host';
import {
  authenticate,
  checkAuthSettings,
  isLoopbackHost,
  isLoopbackServiceUrl,
  PUBLIC_CLOUD_ENDPOINTS,
  type AuthMode,
  type TeamsAuthSettings,
} from './auth';
import { createActivityDeduper } from './dedupe';
import { handleInvoke, type InvokeResult } from './invoke';
import { conversationKey, normaliseMessage, parseActivity, type TeamsActivity } from './normalise';
import { readJsonBody, sendJson } from './receive';
import { createMemoryReferenceStore, createReferenceSaver } from './references';
import { createSender, within, type Sender } from './send';
import { createBackgroundWork } from '../../src/core/background';

/**
 * The Teams door: botbuilder's CloudAdapter at POST /api/messages on the shared HTTP server. It turns
 * activities into ChatRequests for the router and Replies into Adaptive Cards; it never sees a command or an
 * engine. Every botbuilder import stays in this folder (a boundary test holds it), so a move to the Teams
 * SDK or the Microsoft 365 Agents SDK touches only adapters/teams (docs/teams.md).
 */

/** Sovereign clouds and tests: where channel tokens are checked, and how outbound calls get credentials. */
export interface TeamsAuthOverrides {
  channelOpenIdMetadataUrl?: string;
  channelTokenIssuer?: string;
  emulatorOpenIdMetadataUrl?: string;
  /** Stands in for Entra ID when it cannot be reached (tests); default: app id + password, or the managed identity. */
  credentialsFactory?: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1];
}

export interface TeamsAdapterConfig extends TeamsAuthSettings {
  router: Router;
  http: HttpHost;
  log: Logger;
  /** Where conversation references are kept for proactive posts; in memory when not given. */
  references?: ConversationReferenceStore;
  /** After this long a check first shows a "checking …" card (default 1500 ms). */
  interimAfterMs?: number;
  /** How long stop() waits for answers still running, before aborting them (and as long again after). */
  stopGraceMs?: number;
  /** A check still running after this long gets a typing indicator (default 500 ms). */
  typingAfterMs?: number;
  /** An invoke (message extension) must be answered within this (default 10 s; Teams gives up at 15 s). */
  invokeDeadlineMs?: number;
  /** The command "Explain this error" runs (default `explain`). */
  explainCommand?: string;
  authOverrides?: TeamsAuthOverrides;
}

export interface TeamsAdapter {
  start(): Promise<void>;
  stop(): Promise<void>;
  post: PostPort;
}

export const MESSAGES_PATH = '/api/messages';

export function createTeamsAdapter(config: TeamsAdapterConfig): TeamsAdapter {
  const log = config.log;
  const references = config.references ?? createMemoryReferenceStore();
  const saveReference = createReferenceSaver(references);
  const answered = createActivityDeduper();
  const background = createBackgroundWork(config.log, 'Teams background task');
  let state:
    | { mode: AuthMode; botAuth: ConfigurationBotFrameworkAuthentication; adapter: CloudAdapter; sender: Sender }
    | undefined;
  let accepting = false;

  // The entrance: the "checking …" card and everything after it see only the scrubbed text.
  const intake = (request: ChatRequest): ChatRequest => config.router.intake?.(request) ?? request;

  const track = (task: Promise<unknown>): void => background.track(task);

  async function runWithin(request: ChatRequest, ms: number): Promise<Reply | undefined> {
    const controller = new AbortController();
    const onShutdown = (): void => controller.abort();
    background.signal.addEventListener('abort', onShutdown, { once: true });
    try {
      const reply = await within(config.router.handle(request, controller.signal), ms);
      if (!reply) controller.abort();
      return reply;
    } finally {
      background.signal.removeEventListener('abort', onShutdown);
    }
  }

  async function remember(activity: TeamsActivity): Promise<void> {
    const reference = TurnContext.getConversationReference(activity as unknown as Partial<Activity>);
    // Kept without the message id and thread, so a later post starts a new message in the conversation.
    delete reference.activityId;
    const key = conversationKey(activity.conversation.id);
    if (reference.conversation) reference.conversation = { ...reference.conversation, id: key };
    try {
      await saveReference(key, reference);
    } catch (error) {
      log.warn({ err: error, conversation: key }, 'saving the conversation reference failed');
    }
  }

  async function onTurn(ctx: TurnContext, activity: TeamsActivity, sender: Sender): Promise<InvokeResult | undefined> {
    const installed = activity.type === ActivityTypes.InstallationUpdate && activity.action !== 'remove';
    const added =
      activity.type === ActivityTypes.ConversationUpdate &&
      (activity.membersAdded ?? []).some((m) => m.id === activity.recipient.id);
    if (activity.type === ActivityTypes.Message || activity.type === ActivityTypes.Invoke || installed || added)
      await remember(activity);

    if (activity.type === ActivityTypes.Invoke) {
      return handleInvoke(activity, {
        run: (request) => runWithin(intake(request), config.invokeDeadlineMs ?? 10_000),
        explainCommand: config.explainCommand ?? 'explain',
      });
    }
    if (activity.type === ActivityTypes.Message) {
      const request = normaliseMessage(activity);
      if (request) await sender.answer(ctx, intake(request));
    }
    // Other activities (typing, reactions, conversation updates) need no answer.
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!state || !accepting) return sendJson(res, 503, { error: 'the Teams door is not running' });
    const { mode, botAuth, adapter, sender } = state;
    // Refused before the body is read: a caller that can never be authenticated gets nothing buffered.
    if (mode === 'local' && !isLoopbackHost(req.socket.remoteAddress))
      return refuse(res, 403, 'local development mode accepts loopback callers only');
    if (mode === 'authenticated' && !/^Bearer \S+$/i.test(String(req.headers.authorization ?? '')))
      return refuse(res, 401, 'unauthorized');
    let body: unknown;
    try {
      body = await readJsonBody(req, config.http.readBody);
    } catch (error) {
      if (isDiagError(error, 'http.body')) return refuse(res, httpStatusOf(error) ?? 400, error.message);
      throw error;
    }
    const parsed = parseActivity(body);
    if ('problem' in parsed) return sendJson(res, 400, { error: parsed.problem });
    const activity = parsed.activity;

    let auth: Awaited<ReturnType<typeof authenticate>>;
    try {
      auth = await authenticate(mode, botAuth, activity, String(req.headers.authorization ?? ''));
    } catch (error) {
      if (!isDiagError(error, 'teams.auth')) throw error;
      // The reason goes to the log (never the token); the caller learns only the status.
      const status = httpStatusOf(error) ?? 401;
      log.warn(
        { status, reason: error.message, activityType: activity.type, serviceUrl: activity.serviceUrl },
        'Teams request refused',
      );
      return sendJson(res, status, { error: status === 401 ? 'unauthorized' : 'authentication unavailable' });
    }
    if (activity.id && !answered.firstSeen(`${conversationKey(activity.conversation.id)}\u0000${activity.id}`)) {
      log.info(
        { activityType: activity.type, conversation: conversationKey(activity.conversation.id) },
        'Teams delivered an activity already handled; skipped',
      );
      return sendJson(res, 200);
    }

    let invoke: InvokeResult | undefined;
    try {
      await adapter.processActivityDirect(auth, activity as unknown as Activity, async (ctx) => {
        invoke = await onTurn(ctx, activity, sender);
      });
    } catch (error) {
      log.error(
        { err: error, activityType: activity.type, conversation: conversationKey(activity.conversation.id) },
        'Teams turn failed',
      );
      return sendJson(res, 500, { error: 'the turn failed' });
    }
    if (activity.type === ActivityTypes.Invoke) return sendJson(res, invoke?.status ?? 501, invoke?.body);
    return sendJson(res, 200);
  }

  async function start(): Promise<void> {
    if (state) return;
    const mode = checkAuthSettings(config);
    const overrides = config.authOverrides ?? {};
    const endpoints = definedOnly({
      ToBotFromChannelOpenIdMetadataUrl: overrides.channelOpenIdMetadataUrl,
      ToBotFromChannelTokenIssuer: overrides.channelTokenIssuer,
      ToBotFromEmulatorOpenIdMetadataUrl: overrides.emulatorOpenIdMetadataUrl,
    });
    const settings = definedOnly({
      MicrosoftAppId: config.appId,
      MicrosoftAppPassword: config.appPassword,
      MicrosoftAppTenantId: config.tenantId,
      MicrosoftAppType: config.appType,
      ...(Object.keys(endpoints).length > 0 ? { ...PUBLIC_CLOUD_ENDPOINTS, ...endpoints } : {}),
    });
    const botAuth = new ConfigurationBotFrameworkAuthentication(settings, overrides.credentialsFactory);
    const adapter = new CloudAdapter(botAuth);
    const botAppId = mode === 'authenticated' ? (config.appId ?? '') : '';
    const sender = createSender({
      adapter,
      botAppId,
      router: config.router,
      log,
      interimAfterMs: config.interimAfterMs ?? 1500,
      typingAfterMs: config.typingAfterMs ?? 500,
      signal: background.signal,
      track,
    });
    state = { mode, botAuth, adapter, sender };
    config.http.route('POST', MESSAGES_PATH, handle);
    accepting = true;
    config.http.health.set('teams', true);
    config.http.readiness.set('teams', true);
    log.info(
      { mode, path: MESSAGES_PATH },
      mode === 'local' ? 'Teams door up in local development mode (loopback service URLs only)' : 'Teams door up',
    );
  }

  async function stop(): Promise<void> {
    accepting = false;
    config.http.health.set('teams', false);
    config.http.readiness.set('teams', false, 'stopped');
    // Let answers in flight finish for a while, then abort the checks still running.
    await background.drain(config.stopGraceMs ?? 5000);
  }

  const post: PostPort = {
    platform: 'teams',
    async post(destination: Destination, reply: Reply) {
      if (!state)
        throw new DiagError('teams.not-started', 'The Teams door is not running, so nothing can be posted to Teams.');
      const saved = await references.load('teams', destination.channelId);
      if (!isReference(saved)) {
        throw new DiagError(
          'teams.no-conversation',
          `diagbot cannot post to Teams conversation ${destination.channelId.slice(0, 80)}: it has not been added there yet.`,
          {
            fix: {
              summary:
                'Add diagbot to that team, chat or personal scope (or send it a message there) once; it can post there afterwards.',
            },
          },
        );
      }
      const reference = structuredClone(saved);
      if (destination.threadId)
        reference.conversation = {
          ...reference.conversation,
          id: `${conversationKey(reference.conversation.id)};messageid=${destination.threadId}`,
        };
      if (state.mode === 'local' && !isLoopbackServiceUrl(reference.serviceUrl)) {
        throw new DiagError(
          'teams.no-conversation',
          'In local development mode diagbot posts only to loopback service URLs.',
        );
      }
      return state.sender.postToReference(reference, reply);
    },
  };

  return { start, stop, post };
}

/** Answers and closes the connection without reading the body. */
function refuse(res: ServerResponse, status: number, error: string): void {
  res.setHeader('connection', 'close');
  sendJson(res, status, { error });
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

type StoredReference = Partial<ConversationReference> & {
  serviceUrl: string;
  conversation: ConversationReference['conversation'];
};

function isReference(value: unknown): value is StoredReference {
  if (value === null || typeof value !== 'object') return false;
  const ref = value as Record<string, unknown>;
  const conversation = ref.conversation as Record<string, unknown> | undefined;
  return (
    typeof ref.serviceUrl === 'string' &&
    typeof conversation === 'object' &&
    conversation !== null &&
    typeof conversation.id === 'string'
  );
}

export { checkAuthSettings, isLoopbackServiceUrl } from './auth';
export { renderCard, renderPendingCard, TEAMS_CARD_MAX_BYTES } from './render';
export { createMemoryReferenceStore } from './references';
