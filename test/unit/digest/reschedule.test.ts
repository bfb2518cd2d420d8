import { createDigestCommand } from '../../../commands/digest';
import { parseConfig } from '../../../src/config/load';
import type { ChatRequest } from '../../../src/core/chat-request';
import type { Reply } from '../../../src/core/reply';
import { createRouter, type Router } from '../../../src/core/router';
import { createTargetPolicy } from '../../../src/net/policy';
import { systemResolver } from '../../../src/net/resolver';
import { harness, memoryLogger, testCommands, type Harness, type Instance } from './fixture';

/**
 * `digest add`, `pause`, `resume` and `remove` reschedule at once: the command tells the scheduler (the
 * `digestsChanged` port createApp wires), so a new digest's first slot is not left for the next poll,
 * which the test settings put six hours away.
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function chat(hh: Harness, instance: Instance, changed: () => void): (text: string) => Promise<Reply> {
  const config = parseConfig({});
  const deps = {
    config,
    log: memoryLogger(),
    now: hh.clock.now,
    net: { policy: createTargetPolicy(config.targets), resolver: systemResolver, timeouts: config.timeouts },
    store: () => Promise.resolve(instance.store),
    digestsChanged: changed,
  };
  const router: Router = createRouter({
    commands: [...testCommands(hh.state, hh.gate), createDigestCommand(deps)],
    log: deps.log,
    now: hh.clock.now,
    hooks: { roleOf: () => 'admin' },
  });
  return (text) =>
    router.handle({
      platform: 'slack',
      door: 'command',
      userId: 'U0ADMIN',
      channelId: 'C0OPS',
      rawText: text,
      text,
    } satisfies ChatRequest);
}

async function start(
  at: string,
): Promise<{ hh: Harness; instance: Instance; say: (text: string) => Promise<Reply>; refreshes: () => number }> {
  const hh = harness(at);
  h = hh;
  const instance = hh.instance();
  await instance.scheduler.start();
  let count = 0;
  let refreshing = Promise.resolve();
  const tell = chat(hh, instance, () => {
    count += 1;
    refreshing = instance.scheduler.refresh();
  });
  // The fake clock fires only timers armed before it moves: let the rescheduling pass finish first.
  const say = async (text: string): Promise<Reply> => {
    const reply = await tell(text);
    await refreshing;
    return reply;
  };
  return { hh, instance, say, refreshes: () => count };
}

it('runs a digest added a minute before its first slot at that slot, not at the next poll', async () => {
  const { hh, instance, say, refreshes } = await start('2026-01-05T07:59:00Z');
  const reply = await say('digest add daily 08:00 --tz UTC probe a');
  expect(reply.findings[0]?.id).toBe('digest.created');
  expect(refreshes()).toBe(1);
  await hh.clock.advanceTo('2026-01-05T08:00:30Z');
  await instance.scheduler.idle();
  expect(instance.port.slots()).toEqual(['2026-01-05T08:00:00.000Z']);
});

it('pause and remove take the digest out of the schedule at once; resume puts it back', async () => {
  const { hh, instance, say, refreshes } = await start('2026-01-05T07:00:00Z');
  const id = ((await say('digest add daily 08:00 --tz UTC probe a')).data.digest as { id: string }).id;
  expect((await say(`digest pause ${id}`)).status).toBe('ok');
  await hh.clock.advanceTo('2026-01-05T09:00:00Z');
  expect(instance.port.slots()).toEqual([]);
  expect((await say(`digest resume ${id}`)).status).toBe('ok');
  await hh.clock.advanceTo('2026-01-06T08:00:30Z');
  await instance.scheduler.idle();
  expect(instance.port.slots()).toEqual(['2026-01-06T08:00:00.000Z']);
  expect((await say(`digest remove ${id}`)).status).toBe('ok');
  await hh.clock.advanceTo('2026-01-08T09:00:00Z');
  await instance.scheduler.idle();
  expect(instance.port.slots()).toEqual(['2026-01-06T08:00:00.000Z']);
  expect(refreshes()).toBe(4);
});

it('does not tell the scheduler about commands that change nothing', async () => {
  const { say, refreshes } = await start('2026-01-05T07:00:00Z');
  await say('digest list');
  await say('digest pause nosuchid');
  await say('digest add every 3 seconds probe a');
  expect(refreshes()).toBe(0);
});
