import { setTimeout as sleep } from 'node:timers/promises';
import { answer } from '../../../adapters/slack/run';
import { createAckGate, createTaskTracker } from '../../../adapters/slack/tasks';
import type { AnswerTarget } from '../../../adapters/slack/send';
import type { ChatRequest } from '../../../src/core/chat-request';
import { makeReply } from '../../../src/core/reply';
import type { Router } from '../../../src/core/router';
import { silentLogger } from '../../../src/log/logger';

const log = silentLogger();
const request: ChatRequest = {
  platform: 'slack',
  door: 'command',
  userId: 'U1',
  channelId: 'C1',
  rawText: 'x',
  text: 'cert mail.contoso.com',
};

/** A router whose reply is released by the test (no command runs: the point is the adapter's sequencing). */
function gatedRouter(): Router & { release(): void; seen: ChatRequest[] } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const seen: ChatRequest[] = [];
  return {
    seen,
    release: () => release(),
    commands: () => [],
    async handle(req) {
      seen.push(req);
      await gate;
      return makeReply({
        command: 'cert',
        title: 'done',
        findings: [{ id: 'cert.ok', severity: 'ok', message: 'ok' }],
      });
    },
  };
}

function recordingTarget(): AnswerTarget & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    interim: async (m) => void events.push(`interim:${m.text}`),
    final: async (r) => void events.push(`final:${r.main.text}`),
  };
}

describe('answer', () => {
  it('shows "checking …" when the check is slow, then the answer; a command\'s own interim goes through respond', async () => {
    const router = gatedRouter();
    const target = recordingTarget();
    const done = answer(
      { router, log, interimAfterMs: 10, tasks: createTaskTracker(log) },
      request,
      target,
      {},
      new AbortController().signal,
    );
    await sleep(50);
    await router.seen[0]?.respond?.(makeReply({ command: 'cert', title: 'halfway', findings: [] }));
    router.release();
    await done;
    expect(target.events).toEqual([
      'interim:⏳ checking `cert mail.contoso.com` …',
      'interim:[OK] halfway',
      'final:[OK] done',
    ]);
  });

  it('shows no interim when the answer comes first', async () => {
    const router = gatedRouter();
    router.release();
    const target = recordingTarget();
    await answer(
      { router, log, interimAfterMs: 5000, tasks: createTaskTracker(log) },
      request,
      target,
      {},
      new AbortController().signal,
    );
    expect(target.events).toEqual(['final:[OK] done']);
  });
});

describe('task tracker', () => {
  it('works on at most `concurrency` tasks at once and runs them all', async () => {
    const tasks = createTaskTracker(log, { concurrency: 3 });
    let active = 0;
    let peak = 0;
    let done = 0;
    for (let i = 0; i < 10; i += 1) {
      tasks.track(async () => {
        active += 1;
        peak = Math.max(peak, active);
        await sleep(5);
        active -= 1;
        done += 1;
      });
    }
    expect(tasks.size).toBe(10);
    await tasks.drain(5000);
    expect(done).toBe(10);
    expect(peak).toBe(3);
    expect(tasks.size).toBe(0);
  });

  it('at stop, aborts running work after the grace period and drops work still queued', async () => {
    const tasks = createTaskTracker(log, { concurrency: 1 });
    let aborted = false;
    let queuedRan = false;
    tasks.track(
      (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
    );
    tasks.track(async () => {
      queuedRan = true;
    });
    await tasks.drain(20);
    expect(aborted).toBe(true);
    expect(queuedRan).toBe(false);
    expect(tasks.size).toBe(0);
  });
});

describe('acknowledgements first', () => {
  it('an answer starts only once no request waits for its acknowledgement', async () => {
    const gate = createAckGate();
    const tasks = createTaskTracker(log, { gate, maxDeferMs: 10_000 });
    const first = gate.begin();
    const second = gate.begin();
    let started = false;
    tasks.track(async () => {
      started = true;
    });
    await sleep(30);
    expect(started).toBe(false);
    first();
    first();
    await sleep(30);
    expect(gate.pending).toBe(1);
    expect(started).toBe(false);
    second();
    await tasks.drain(1000);
    expect(started).toBe(true);
  });

  it('waits for a quiet moment after the last acknowledgement, so a burst arriving in waves is acknowledged first', async () => {
    const gate = createAckGate(60);
    const tasks = createTaskTracker(log, { gate, maxDeferMs: 10_000 });
    gate.begin()();
    let started = false;
    tasks.track(async () => {
      started = true;
    });
    await sleep(25);
    expect(started).toBe(false);
    // The next wave: its request restarts the quiet period once it is acknowledged.
    gate.begin()();
    await sleep(40);
    expect(started).toBe(false);
    await sleep(60);
    expect(started).toBe(true);
    await tasks.drain(1000);
  });

  it('lets an answer start at once when nothing arrived recently', async () => {
    const gate = createAckGate(60);
    await expect(Promise.race([gate.idle(10_000).then(() => 'idle'), sleep(20).then(() => 'waited')])).resolves.toBe(
      'idle',
    );
  });

  it('but not for longer than maxDeferMs, so steady traffic cannot starve the answers', async () => {
    const gate = createAckGate();
    const tasks = createTaskTracker(log, { gate, maxDeferMs: 20 });
    gate.begin();
    let started = false;
    tasks.track(async () => {
      started = true;
    });
    await tasks.drain(2000);
    expect(started).toBe(true);
    expect(gate.pending).toBe(1);
  });
});
