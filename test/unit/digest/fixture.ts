import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Command, Logger } from '../../../src/core/command';
import { DiagError } from '../../../src/core/errors';
import type { Destination, PostPort } from '../../../src/core/post';
import { makeReply, type Finding, type Reply } from '../../../src/core/reply';
import { createRouter, type Router } from '../../../src/core/router';
import { createDigestRuntime, DEFAULT_DIGEST_SETTINGS, type DigestSettings } from '../../../src/digest';
import type { DigestRunner } from '../../../src/digest/runner';
import type { DigestScheduler } from '../../../src/digest/scheduler';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite';
import type { DigestRecord, NewDigest } from '../../../src/store/types';
import { FakeClock, settle } from '../../helpers/digest-clock';
import { fakeId } from '../../helpers/finding-id';

/** A logger that keeps what was logged, for assertions (the real one is pino). */
export function memoryLogger(lines: Array<{ level: string; msg?: string; obj: object }> = []): Logger {
  const make = (bindings: object): Logger => ({
    debug: (obj, msg) => void lines.push({ level: 'debug', msg, obj: { ...bindings, ...obj } }),
    info: (obj, msg) => void lines.push({ level: 'info', msg, obj: { ...bindings, ...obj } }),
    warn: (obj, msg) => void lines.push({ level: 'warn', msg, obj: { ...bindings, ...obj } }),
    error: (obj, msg) => void lines.push({ level: 'error', msg, obj: { ...bindings, ...obj } }),
    child: (more) => make({ ...bindings, ...more }),
  });
  return make({});
}

/**
 * Stands in for the Slack / Teams post port in unit tests (no server here): records what would have
 * been posted, and can be told to fail the next attempts. The integration tests post to the Slack
 * capture server through the real Slack post port instead.
 */
export class RecordingPort implements PostPort {
  readonly posts: Array<{ destination: Destination; reply: Reply }> = [];
  readonly attempts: Array<{ destination: Destination; ok: boolean }> = [];
  private failures: Array<Error> = [];

  constructor(readonly platform: 'slack' | 'teams' = 'slack') {}

  failNext(...errors: Error[]): void {
    this.failures.push(...errors);
  }

  async post(destination: Destination, reply: Reply): Promise<{ messageId?: string }> {
    const failure = this.failures.shift();
    this.attempts.push({ destination, ok: !failure });
    if (failure) throw failure;
    this.posts.push({ destination, reply });
    return { messageId: `m${this.posts.length}` };
  }

  /** The slot (ISO) of each posted digest, in posting order. */
  slots(): string[] {
    return this.posts.map((p) => String((p.reply.data.run as { slot: string }).slot));
  }
}

/** What `probe <key>` reports: the test changes it between runs to make findings appear and go. */
export type ProbeState = Map<string, Finding[]>;

/** A check whose findings the test controls, and one that waits until the test lets it go. */
export function testCommands(state: ProbeState, gate: { waiting: Array<() => void> }): Command[] {
  const probe: Command<{ positional: string[] }> = {
    name: 'probe',
    summary: 'Test check with findings set by the test.',
    usage: 'probe <key>',
    examples: ['probe a'],
    args: z.object({ positional: z.array(z.string()).length(1, 'probe takes one key, e.g. `probe a`') }),
    async run(args) {
      const key = args.positional[0] as string;
      const findings = state.get(key) ?? [{ id: fakeId('probe.ok'), severity: 'ok', message: `${key} is fine` }];
      const days = /^cert(\d+)$/.exec(key);
      return makeReply({
        command: days ? 'cert' : 'probe',
        title: `${key}: ${findings.map((f) => f.id).join(', ')}`,
        findings,
        data: days ? { daysRemaining: Number(days[1]) } : {},
      });
    },
  };
  const slow: Command<{ positional: string[] }> = {
    name: 'slow',
    summary: 'Test check that finishes when the test says so.',
    usage: 'slow',
    examples: ['slow'],
    args: z.object({ positional: z.array(z.string()).max(0) }),
    run: (_args, ctx) =>
      new Promise<Reply>((resolve, reject) => {
        gate.waiting.push(() =>
          resolve(
            makeReply({
              command: 'slow',
              title: 'slow done',
              findings: [{ id: fakeId('slow.ok'), severity: 'ok', message: 'done' }],
            }),
          ),
        );
        ctx.signal.addEventListener('abort', () => reject(new DiagError('net.timeout', 'aborted')), { once: true });
      }),
  };
  return [probe, slow];
}

export interface Harness {
  dir: string;
  file: string;
  clock: FakeClock;
  state: ProbeState;
  gate: { waiting: Array<() => void> };
  router: Router;
  log: Array<{ level: string; msg?: string; obj: object }>;
  /** Opens one more connection to the same file (another "instance"). */
  open(): SqliteStore;
  instance(options?: {
    clock?: FakeClock;
    port?: RecordingPort;
    settings?: Partial<DigestSettings>;
    owner?: string;
  }): Instance;
  addDigest(over?: Partial<NewDigest>): Promise<DigestRecord>;
  close(): Promise<void>;
}

export interface Instance {
  store: SqliteStore;
  port: RecordingPort;
  scheduler: DigestScheduler;
  runner: DigestRunner;
  owner: string;
  clock: FakeClock;
}

export const TEST_SETTINGS: DigestSettings = { ...DEFAULT_DIGEST_SETTINGS, pollSeconds: 6 * 3600, leaseSeconds: 120 };

export function harness(start: string): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'diagbot-digest-'));
  const file = join(dir, 'diagbot.db');
  const clock = new FakeClock(start);
  const state: ProbeState = new Map();
  const gate = { waiting: [] as Array<() => void> };
  const lines: Harness['log'] = [];
  const log = memoryLogger(lines);
  const router = createRouter({ commands: testCommands(state, gate), log, now: clock.now });
  const stores: SqliteStore[] = [];
  const instances: Instance[] = [];
  const open = (): SqliteStore => {
    const store = openSqliteStore(file);
    stores.push(store);
    return store;
  };
  const main = open();
  let count = 0;
  return {
    dir,
    file,
    clock,
    state,
    gate,
    router,
    log: lines,
    open,
    instance(options = {}) {
      count += 1;
      const store = open();
      const port = options.port ?? new RecordingPort();
      const instanceClock = options.clock ?? clock;
      const owner = options.owner ?? `instance-${count}`;
      const { scheduler, runner } = createDigestRuntime({
        store,
        settings: { ...TEST_SETTINGS, ...options.settings },
        runCommand: (_text, request, signal) => router.handle(request, signal),
        ports: [port],
        log,
        now: instanceClock.now,
        timers: instanceClock,
        owner,
      });
      const made = { store, port, scheduler, runner, owner, clock: instanceClock };
      instances.push(made);
      return made;
    },
    async addDigest(over = {}) {
      const made = await main.digests.create(
        {
          platform: 'slack',
          channelId: 'C0OPS',
          schedule: '0 8 * * *',
          scheduleText: 'daily 08:00',
          timezone: 'UTC',
          commands: ['probe a'],
          createdBy: 'U0ADMIN',
          now: clock.now(),
          ...over,
        },
        { maxPerChannel: 100 },
      );
      if (!('created' in made)) throw new Error('digest limit in a test');
      return made.created;
    },
    async close() {
      for (const waiting of gate.waiting.splice(0)) waiting();
      for (const instance of instances) {
        const stopping = instance.scheduler.stop();
        await settle();
        // stop() gives runs a grace period measured on the instance's clock.
        await instance.clock.advanceBy(60_000);
        await stopping;
      }
      for (const store of stores) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
