import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres';
import { startBotConnectorCapture, type BotConnectorCapture } from '../../helpers/bot-connector-capture';
import { freePort } from '../../helpers/postfix';
import { describePostgres } from '../../helpers/describe-postgres';
import { startPostgres, type PgCluster } from '../../helpers/postgres';
import { sendSigned, startSlackCapture, type SlackCapture } from '../../helpers/slack-capture';
import { botAdded, channelMention, CHANNEL as TEAMS_CHANNEL, USER_AAD } from '../../unit/teams/fixtures';
import { appMention, envelope, slashCommand, USER } from '../../unit/slack/fixtures';
import { HTTP_PORTS, probe, SLACK_SECRET, startReplica, waitFor, writeReplicaConfig, type Replica } from './harness';

/**
 * Three `diagbot serve` replicas on one private PostgreSQL 15 cluster (issue 17's scenarios): digests exactly
 * once per slot, takeover after a SIGKILL, shared Slack dedupe and rate limits, a Teams digest added on one
 * replica and posted by another, and a 20-second database outage the replicas ride out.
 */
let dir: string;
let cluster: PgCluster;
let url: string;
let store: PostgresStore;
let slack: SlackCapture;
let teams: BotConnectorCapture;
let silent: { port: number; close(): Promise<void> };
let configFile: string;
const replicas: Replica[] = [];
let names = 0;

const alive = (): Replica[] => replicas.filter((r) => r.alive());
const launch = async (): Promise<Replica> => {
  names += 1;
  const replica = await startReplica({
    name: `replica-${names}`,
    configFile,
    databaseUrl: url,
    slackApiUrl: slack.apiUrl,
  });
  replicas.push(replica);
  return replica;
};
const posts = (channel: string): number =>
  slack.calls.filter((c) => c.name === 'chat.postMessage' && c.body.channel === channel).length;
const logsOf = (): string => replicas.map((r) => `--- ${r.name} (pid ${r.pid})\n${r.output().slice(-6000)}`).join('\n');

async function runsOf(
  digestId: string,
): Promise<Array<{ slot: string; state: string; post_state: string; owner: string; attempt: number }>> {
  return (
    await store.pool.query(
      'SELECT slot, state, post_state, owner, attempt FROM digest_runs WHERE digest_id = $1 ORDER BY slot_at',
      [digestId],
    )
  ).rows;
}

async function addDigest(channelId: string, commands: string[]): Promise<string> {
  const made = await store.digests.create(
    {
      platform: 'slack',
      channelId,
      schedule: '* * * * *',
      scheduleText: 'every minute',
      timezone: 'UTC',
      commands,
      createdBy: USER,
      now: new Date(),
    },
    { maxPerChannel: 20 },
  );
  if (!('created' in made)) throw new Error('not created');
  return made.created.id;
}

/** A TCP server that accepts and never answers: a TLS check against it lasts until its step deadline. */
async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await freePort(HTTP_PORTS.to - 50, HTTP_PORTS.to);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describePostgres('three replicas on one PostgreSQL database', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'diagbot-replicas-'));
    cluster = await startPostgres({ from: 25450, to: 25499 });
    url = await cluster.createDatabase('replicas');
    store = await openPostgresStore(url);
    slack = await startSlackCapture({ from: HTTP_PORTS.from, to: HTTP_PORTS.from + 49 });
    teams = await startBotConnectorCapture({ ports: [HTTP_PORTS.from + 50, HTTP_PORTS.from + 99] });
    silent = await startSilentServer();
    configFile = writeReplicaConfig(dir, [
      'http:',
      '  host: 127.0.0.1',
      // Teams without an app id only in local mode, on loopback (fail closed, issue 14).
      'teams:',
      '  allowUnauthenticated: true',
      'targets:',
      '  allow: ["127.0.0.0/8"]',
      '  ports:',
      `    cert: [${silent.port}]`,
      'timeouts:',
      '  connectMs: 2000',
      '  stepMs: 3000',
      'roles:',
      `  admins: ["${USER}", "${USER_AAD}"]`,
      'limits:',
      '  perUser: { points: 5, durationSeconds: 60 }',
      'digest:',
      '  minIntervalMinutes: 1',
      '  leaseSeconds: 3',
      '  pollSeconds: 1',
      '  concurrency: 1',
      '  post: { attempts: 3, initialDelayMs: 200, maxDelayMs: 500 }',
      'log:',
      '  level: info',
    ]);
    for (let i = 0; i < 3; i += 1) await launch();
  }, 120_000);

  afterAll(async () => {
    for (const replica of replicas) if (replica.alive()) replica.child.kill('SIGKILL');
    await store?.close();
    await cluster?.destroy();
    await slack?.close();
    await teams?.close();
    await silent?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('3: answers an event_id delivered to two replicas once, and a slash command retried on another replica once', async () => {
    const [a, b, c] = alive();
    const mention = envelope(appMention('help', { channel: 'C0DEDUPE' }), 'Ev0REPLICAS01');
    const statuses = await Promise.all(
      [a, b].map((r) => sendSigned(`${r!.base}/slack/events`, { json: mention }, { secret: SLACK_SECRET })),
    );
    expect(statuses.map((s) => s.status)).toEqual([200, 200]);
    await slack.waitFor((call) => call.name === 'chat.postMessage' && call.body.channel === 'C0DEDUPE', 15_000);

    const command = slashCommand('help', slack.responseUrl('retried-1'), { trigger_id: '1111.2222.retried' });
    expect(
      (await sendSigned(`${b!.base}/slack/events`, { form: { ...command } }, { secret: SLACK_SECRET })).status,
    ).toBe(200);
    expect(
      (
        await sendSigned(
          `${c!.base}/slack/events`,
          { form: { ...command } },
          { secret: SLACK_SECRET, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } },
        )
      ).status,
    ).toBe(200);
    await slack.waitFor((call) => call.name === 'retried-1', 15_000);
    // Both answers would have arrived by now (help answers in milliseconds); exactly one did.
    await sleep(3000);
    expect(posts('C0DEDUPE')).toBe(1);
    expect(slack.calls.filter((call) => call.name === 'retried-1').length).toBe(1);
  });

  it('4: refuses the sixth command of one person within the minute, on whichever replica it lands', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const replica = alive()[i % 3]!;
      const command = slashCommand('help', slack.responseUrl(`limit-${i}`), {
        user_id: 'U0LIMITED',
        trigger_id: `3333.${i}.limit`,
      });
      expect(
        (await sendSigned(`${replica.base}/slack/events`, { form: { ...command } }, { secret: SLACK_SECRET })).status,
      ).toBe(200);
      const answer = await slack.waitFor((call) => call.name === `limit-${i}`, 15_000);
      answers.push(JSON.stringify(answer.body));
    }
    expect(answers.slice(0, 5).every((text) => !text.includes('rate.limited'))).toBe(true);
    expect(answers[5]).toContain('rate.limited');
    expect(answers[6]).toContain('rate.limited');
    // Another person is not affected.
    const other = slashCommand('help', slack.responseUrl('limit-other'), {
      user_id: 'U0SOMEONE',
      trigger_id: '3333.x.other',
    });
    await sendSigned(`${alive()[0]!.base}/slack/events`, { form: { ...other } }, { secret: SLACK_SECRET });
    expect(JSON.stringify((await slack.waitFor((call) => call.name === 'limit-other', 15_000)).body)).not.toContain(
      'rate.limited',
    );
  });

  let slots: string | undefined;
  let slow: string;

  it('1 and 2: posts a one-minute digest once per slot across three slots, and takes over a slot whose replica was SIGKILLed', async () => {
    const digest = await addDigest('C0SLOTS', ['help']);
    slots = digest;
    // Three checks that each wait for the silent server's 3-second deadline, one at a time: a run lasts ~9 s.
    slow = await addDigest(
      'C0SLOW',
      [1, 2, 3].map(() => `cert 127.0.0.1:${silent.port}`),
    );

    const running = await waitFor(
      'the slow digest running',
      async () => (await runsOf(slow)).find((r) => r.state === 'running'),
      90_000,
      50,
    );
    const victim = replicas.find((r) => running.owner.includes(`:${r.pid}:`));
    if (!victim) throw new Error(`no replica owns ${running.owner}`);
    victim.child.kill('SIGKILL');
    await victim.exited;
    await launch();

    const settled = await waitFor(
      'the killed slot settled',
      async () => {
        const run = (await runsOf(slow)).find((r) => r.slot === running.slot);
        return run && run.state === 'finished' && ['posted', 'unknown', 'failed'].includes(run.post_state)
          ? run
          : undefined;
      },
      60_000,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${logsOf()}`);
    });
    expect(settled.owner).not.toBe(running.owner);
    expect(settled.attempt).toBe(2);
    expect(['posted', 'unknown']).toContain(settled.post_state);

    await waitFor(
      'three posted slots',
      async () => (await runsOf(digest)).filter((r) => r.post_state === 'posted').length >= 3,
      200_000,
      500,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${logsOf()}`);
    });
    await sleep(2000);
    const slotRuns = await runsOf(digest);
    const posted = slotRuns.filter((r) => r.post_state === 'posted');
    expect(posts('C0SLOTS')).toBe(posted.length);
    // Consecutive minutes, each once.
    expect(new Set(slotRuns.map((r) => r.slot)).size).toBe(slotRuns.length);
    const slowRuns = await runsOf(slow);
    expect(posts('C0SLOW')).toBeGreaterThanOrEqual(slowRuns.filter((r) => r.post_state === 'posted').length);
    expect(posts('C0SLOW')).toBeLessThanOrEqual(
      slowRuns.filter((r) => r.post_state === 'posted' || r.post_state === 'unknown').length,
    );
    // The slow digest is done with: its overlapping runs would only slow the rest down.
    await store.digests.setPaused(slow, true, new Date());
  }, 300_000);

  it('5: posts a Teams digest added through replica A proactively from replica B', async () => {
    const [a] = alive();
    const post = (activity: object): Promise<Response> =>
      fetch(`${a!.base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
    expect((await post(botAdded(teams.url))).status).toBeLessThan(300);
    expect((await post(channelMention(teams.url, 'digest add "* * * * *" help'))).status).toBeLessThan(300);
    const digest = await waitFor(
      'the Teams digest in the shared store',
      async () => (await store.digests.list({ platform: 'teams', channelId: TEAMS_CHANNEL }))[0],
      20_000,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${JSON.stringify(teams.calls.slice(-3))}\n${logsOf()}`);
    });
    // A leaves; the others must post it.
    expect(await a!.stop()).toBe(0);
    await launch();
    const sent = await teams
      .waitFor((call) => call.kind === 'send' && call.conversationId.startsWith(TEAMS_CHANNEL), 90_000)
      .catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\n${logsOf()}`);
      });
    expect(JSON.stringify(sent.activity)).toContain(`Digest ${digest.id}`);
    const run = await waitFor(
      'the Teams run recorded as posted',
      async () => (await runsOf(digest.id)).find((r) => r.post_state === 'posted'),
      10_000,
    );
    expect(run.owner).not.toContain(`:${a!.pid}:`);
    expect(
      teams.calls.filter((call) => call.kind === 'send' && call.conversationId.startsWith(TEAMS_CHANNEL)).length,
    ).toBe(1);
    await store.digests.remove(digest.id);
  }, 150_000);

  it('6: rides out PostgreSQL stopped for 20 s: /readyz tells the truth, checks keep working, the next slot is posted once', async () => {
    // Run on its own (jest -t 6:), the digest of scenario 1 does not exist yet.
    const digest = slots ?? (await addDigest('C0SLOTS', ['help']));
    const before = (await runsOf(digest)).filter((r) => r.post_state === 'posted').length;
    await cluster.stop();
    const outageEnds = Date.now() + 20_000;
    const seenNotReady = new Set<string>();
    const healthCodes = new Set<number>();
    let unavailable = '';
    let explained = '';
    let n = 0;
    while (Date.now() < outageEnds) {
      for (const replica of alive()) {
        const ready = await probe(replica.base, '/readyz');
        if (ready?.status === 503 && ready.body.status === 'not-ready') seenNotReady.add(replica.name);
        const health = await probe(replica.base, '/healthz');
        if (health) healthCodes.add(health.status);
      }
      if (n === 0 && seenNotReady.size > 0) {
        n += 1;
        const target = alive()[0]!;
        await sendSigned(
          `${target.base}/slack/events`,
          {
            form: {
              ...slashCommand('digest list', slack.responseUrl('outage-digest'), {
                user_id: 'U0OUTAGE',
                trigger_id: '4444.1.outage',
              }),
            },
          },
          { secret: SLACK_SECRET },
        );
        await sendSigned(
          `${target.base}/slack/events`,
          {
            form: {
              ...slashCommand('explain 0x80070005', slack.responseUrl('outage-explain'), {
                user_id: 'U0OUTAGE',
                trigger_id: '4444.2.outage',
              }),
            },
          },
          { secret: SLACK_SECRET },
        );
        // The first post may be the "checking …" note; the answer replaces it.
        const answer = async (hook: string): Promise<string> =>
          JSON.stringify(
            (
              await slack.waitFor(
                (call) => call.name === hook && !JSON.stringify(call.body).includes('"block_id":"interim"'),
                15_000,
              )
            ).body,
          );
        unavailable = await answer('outage-digest');
        explained = await answer('outage-explain');
      }
      await sleep(500);
    }
    await cluster.start();
    if (alive().length !== 3) throw new Error(`a replica died during the outage:\n${logsOf()}`);
    expect([...seenNotReady].sort()).toEqual(
      alive()
        .map((r) => r.name)
        .sort(),
    );
    expect([...healthCodes]).toEqual([200]);
    expect(unavailable).toContain('store.unavailable');
    expect(explained).toContain('code.hresult');
    expect(explained).not.toContain('store.unavailable');

    await waitFor(
      'every replica ready again',
      async () => {
        const states = await Promise.all(alive().map((r) => probe(r.base, '/readyz')));
        return states.every((s) => s?.status === 200);
      },
      30_000,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${logsOf()}`);
    });
    expect(alive().length).toBe(3);

    await waitFor(
      'the next slot posted',
      async () => (await runsOf(digest)).filter((r) => r.post_state === 'posted').length > before,
      150_000,
      500,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${logsOf()}`);
    });
    await sleep(3000);
    const runs = await runsOf(digest);
    expect(posts('C0SLOTS')).toBeGreaterThanOrEqual(runs.filter((r) => r.post_state === 'posted').length);
    expect(posts('C0SLOTS')).toBeLessThanOrEqual(
      runs.filter((r) => r.post_state === 'posted' || r.post_state === 'unknown').length,
    );
    for (const replica of alive()) expect(await replica.stop()).toBe(0);
  }, 200_000);
});
