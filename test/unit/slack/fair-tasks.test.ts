import { setTimeout as sleep } from 'node:timers/promises';
import { createTaskTracker } from '../../../adapters/slack/tasks';
import { silentLogger } from '../../../src/log/logger';

/** Issue 14, defect 4: answer slots go person by person, slow work leaves its slot, waiting is measured. */
const log = silentLogger();

function gate(): { wait: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('fair task tracker', () => {
  it('gives the next slot to the person with the least in progress, not to the longest queue', async () => {
    const tasks = createTaskTracker(log, { concurrency: 1, slotMs: 60_000 });
    const order: string[] = [];
    const first = gate();
    tasks.track(async () => {
      order.push('A1');
      await first.wait;
    }, 'A');
    for (const name of ['A2', 'A3']) tasks.track(async () => void order.push(name), 'A');
    tasks.track(async () => void order.push('B1'), 'B');
    await sleep(20);
    first.open();
    await tasks.drain(5000);
    expect(order).toEqual(['A1', 'B1', 'A2', 'A3']);
  });

  it('moves slow work out of its slot, so quick work behind it starts', async () => {
    const tasks = createTaskTracker(log, { concurrency: 1, slotMs: 30 });
    const slow = gate();
    let quickRan = false;
    tasks.track(() => slow.wait, 'A');
    tasks.track(async () => {
      quickRan = true;
    }, 'B');
    await sleep(200);
    expect(quickRan).toBe(true);
    slow.open();
    await tasks.drain(5000);
  });

  it('keeps slow work in its slot once the slow lane is full, and reports how long work has waited', async () => {
    const tasks = createTaskTracker(log, { concurrency: 1, slotMs: 10, slowLimit: 1 });
    const release = gate();
    tasks.track(() => release.wait, 'A');
    tasks.track(() => release.wait, 'B');
    let thirdRan = false;
    tasks.track(async () => {
      thirdRan = true;
    }, 'C');
    await sleep(150);
    expect(thirdRan).toBe(false);
    expect(tasks.oldestWaitMs()).toBeGreaterThan(0);
    release.open();
    await tasks.drain(5000);
    expect(thirdRan).toBe(true);
    expect(tasks.oldestWaitMs()).toBe(0);
  });

  it('lets work give its slot back early (delivery runs outside it)', async () => {
    const tasks = createTaskTracker(log, { concurrency: 1, slotMs: 60_000 });
    const delivery = gate();
    let nextRan = false;
    tasks.track(async (_signal, leave) => {
      leave();
      await delivery.wait;
    }, 'A');
    tasks.track(async () => {
      nextRan = true;
    }, 'B');
    await sleep(50);
    expect(nextRan).toBe(true);
    delivery.open();
    await tasks.drain(5000);
  });
});
