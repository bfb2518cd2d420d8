import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeamsAdapter, type TeamsAdapter } from '../../../adapters/teams';
import { createHelpCommand } from '../../../commands/help';
import { createRouter, type Router } from '../../../src/core/router';
import { createDigestRuntime, DEFAULT_DIGEST_SETTINGS, type DigestScheduler } from '../../../src/digest';
import { createHttpServer, type HttpServer } from '../../../src/http/server';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite';
import {
  startBotConnectorCapture,
  freePortInRange,
  type BotConnectorCapture,
} from '../../helpers/bot-connector-capture';
import { captureLogger, type CapturedLine } from '../../helpers/logger';
import { botAdded, CHANNEL } from '../../unit/teams/fixtures';
import { PORTS, waitFor } from './serve';

/**
 * Teams digests: the bot is added to a channel (the Teams door saves the conversation reference in the SQLite
 * store), and the scheduler later posts there proactively through the real Teams post port, to the Bot
 * Connector capture server. Where the bot was never added, the post fails once, is recorded and not retried.
 */
let dir: string;
let capture: BotConnectorCapture;
let store: SqliteStore;
let http: HttpServer;
let teams: TeamsAdapter;
let scheduler: DigestScheduler | undefined;
let router: Router;
const logs: CapturedLine[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'diagbot-digest-teams-'));
  store = openSqliteStore(join(dir, 'diagbot.db'));
  capture = await startBotConnectorCapture({ ports: [PORTS.from + 500, PORTS.from + 599] });
  const log = captureLogger(logs);
  router = createRouter({ commands: [createHelpCommand()], log });
  http = createHttpServer({
    port: await freePortInRange([PORTS.from + 600, PORTS.from + 699]),
    host: '127.0.0.1',
    log,
  });
  // No app id: local development mode, which posts only to loopback service URLs (the capture server).
  teams = createTeamsAdapter({
    router,
    http,
    log,
    references: store.conversations,
    allowUnauthenticated: true,
    listenHost: '127.0.0.1',
  });
  await teams.start();
  await http.listen();
});
afterAll(async () => {
  await scheduler?.stop();
  await teams?.stop();
  await http?.close();
  await capture?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('posts a Teams digest proactively where the bot was added, and records a refusal where it was not', async () => {
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const added = await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(botAdded(capture.url)),
  });
  expect(added.status).toBeLessThan(300);
  // The door saved the reference in the SQLite store.
  await waitFor('the conversation reference', () => store.conversations.load('teams', CHANNEL));

  const now = new Date();
  const slot = new Date(now.getTime() - 3_600_000);
  const schedule = `${slot.getUTCMinutes()} ${slot.getUTCHours()} * * *`;
  const make = async (channelId: string): Promise<string> => {
    const made = await store.digests.create(
      {
        platform: 'teams',
        channelId,
        schedule,
        scheduleText: 'test',
        timezone: 'UTC',
        commands: ['help', 'help digest'],
        createdBy: 'aad-user',
        now: new Date(now.getTime() - 2 * 86_400_000),
      },
      { maxPerChannel: 20 },
    );
    if (!('created' in made)) throw new Error('not created');
    return made.created.id;
  };
  const reachable = await make(CHANNEL);
  const unknown = await make('19:never-added@thread.tacv2');

  ({ scheduler } = createDigestRuntime({
    store,
    settings: { ...DEFAULT_DIGEST_SETTINGS, post: { attempts: 4, initialDelayMs: 50, maxDelayMs: 100 } },
    runCommand: (_text, request, signal) => router.handle(request, signal),
    ports: [teams.post],
    log: captureLogger(logs),
  }));
  await scheduler.start();
  const sent = await capture.waitFor((c) => c.kind === 'send' && c.conversationId.startsWith(CHANNEL), 20_000);
  await scheduler.idle();
  const card = (sent.activity.attachments as Array<{ contentType: string; content: unknown }>)[0];
  expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
  expect(JSON.stringify(card?.content)).toContain(`Digest ${reachable}`);
  expect(capture.calls.filter((c) => c.kind === 'send').length).toBe(1);

  const [posted] = await store.runs.recent(reachable, 1);
  expect(posted).toMatchObject({ state: 'finished', postState: 'posted', postAttempts: 1 });
  const [refused] = await store.runs.recent(unknown, 1);
  expect(refused).toMatchObject({ state: 'finished', postState: 'failed', postAttempts: 1 });
  expect(refused?.postError).toMatch(/has not been added there yet/);
  expect((await store.runs.results(refused?.id ?? 0)).length).toBe(2);
});
