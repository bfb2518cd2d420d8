import { formatLocal } from '../../../src/digest/schedule';
import { harness, type Harness } from './fixture';

/**
 * Slots fire at the right local times across daylight-saving changes, in two time zones, driven by a
 * controllable clock through the whole scheduler (store claims, router, post port).
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function postedLocalTimes(
  start: string,
  end: string,
  schedule: string,
  timezone: string,
): Promise<{ local: string[]; kinds: string[] }> {
  h = harness(start);
  await h.addDigest({ schedule, scheduleText: `"${schedule}"`, timezone });
  const { scheduler, port } = h.instance();
  await scheduler.start();
  await h.clock.advanceTo(end);
  await scheduler.idle();
  return {
    local: port.posts.map((p) => formatLocal(new Date(String((p.reply.data.run as { slot: string }).slot)), timezone)),
    kinds: port.posts.map((p) => String((p.reply.data.run as { kind: string }).kind)),
  };
}

describe('Europe/London', () => {
  it('spring forward: 01:30 does not exist on 30 March, so that slot runs once at 02:00 BST', async () => {
    const { local, kinds } = await postedLocalTimes(
      '2025-03-28T12:00:00Z',
      '2025-04-01T12:00:00Z',
      '30 1 * * *',
      'Europe/London',
    );
    expect(local).toEqual([
      '2025-03-29 01:30 Europe/London',
      '2025-03-30 02:00 Europe/London',
      '2025-03-31 01:30 Europe/London',
      '2025-04-01 01:30 Europe/London',
    ]);
    expect(new Set(kinds)).toEqual(new Set(['scheduled']));
  });

  it('fall back: 01:30 happens twice on 26 October; the digest runs once', async () => {
    const { local } = await postedLocalTimes(
      '2025-10-24T12:00:00Z',
      '2025-10-28T12:00:00Z',
      '30 1 * * *',
      'Europe/London',
    );
    expect(local).toEqual([
      '2025-10-25 01:30 Europe/London',
      '2025-10-26 01:30 Europe/London',
      '2025-10-27 01:30 Europe/London',
      '2025-10-28 01:30 Europe/London',
    ]);
  });

  it('an 08:00 digest stays at 08:00 local on both sides of the change (07:00 then 08:00 UTC … )', async () => {
    h = harness('2025-03-28T12:00:00Z');
    await h.addDigest({ schedule: '0 8 * * *', timezone: 'Europe/London' });
    const { scheduler, port } = h.instance();
    await scheduler.start();
    await h.clock.advanceTo('2025-04-01T12:00:00Z');
    await scheduler.idle();
    expect(port.slots()).toEqual([
      '2025-03-29T08:00:00.000Z',
      '2025-03-30T07:00:00.000Z',
      '2025-03-31T07:00:00.000Z',
      '2025-04-01T07:00:00.000Z',
    ]);
  });
});

describe('America/New_York', () => {
  it('spring forward: 02:30 does not exist on 9 March, so that slot runs once at 03:00 EDT', async () => {
    const { local } = await postedLocalTimes(
      '2025-03-07T12:00:00Z',
      '2025-03-11T12:00:00Z',
      '30 2 * * *',
      'America/New_York',
    );
    expect(local).toEqual([
      '2025-03-08 02:30 America/New_York',
      '2025-03-09 03:00 America/New_York',
      '2025-03-10 02:30 America/New_York',
      '2025-03-11 02:30 America/New_York',
    ]);
  });

  it('fall back: 01:30 happens twice on 2 November; the digest runs once', async () => {
    const { local } = await postedLocalTimes(
      '2025-10-31T12:00:00Z',
      '2025-11-04T12:00:00Z',
      '30 1 * * *',
      'America/New_York',
    );
    expect(local).toEqual([
      '2025-11-01 01:30 America/New_York',
      '2025-11-02 01:30 America/New_York',
      '2025-11-03 01:30 America/New_York',
      '2025-11-04 01:30 America/New_York',
    ]);
  });

  it('weekdays only, across the change: no weekend posts, Monday at 08:00 EDT', async () => {
    const { local } = await postedLocalTimes(
      '2025-03-06T14:00:00Z',
      '2025-03-11T14:00:00Z',
      '0 8 * * 1-5',
      'America/New_York',
    );
    expect(local).toEqual([
      '2025-03-07 08:00 America/New_York',
      '2025-03-10 08:00 America/New_York',
      '2025-03-11 08:00 America/New_York',
    ]);
  });
});

it('a digest in each zone, side by side, each at its own local time', async () => {
  h = harness('2025-03-29T00:00:00Z');
  await h.addDigest({ schedule: '0 9 * * *', timezone: 'Europe/London' });
  await h.addDigest({ schedule: '0 9 * * *', timezone: 'America/New_York', channelId: 'C0NY' });
  const { scheduler, port } = h.instance();
  await scheduler.start();
  await h.clock.advanceTo('2025-03-31T00:00:00Z');
  await scheduler.idle();
  const byChannel = (channel: string): string[] =>
    port.posts
      .filter((p) => p.destination.channelId === channel)
      .map((p) => String((p.reply.data.run as { slot: string }).slot));
  expect(byChannel('C0OPS')).toEqual(['2025-03-29T09:00:00.000Z', '2025-03-30T08:00:00.000Z']);
  expect(byChannel('C0NY')).toEqual(['2025-03-29T13:00:00.000Z', '2025-03-30T13:00:00.000Z']);
});
