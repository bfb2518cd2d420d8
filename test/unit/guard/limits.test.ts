import type { Reply } from '../../../src/core/reply';
import { createLimits, DEFAULT_LIMITS, isRefusal } from '../../../src/guard/limits';
import { harness, IDS, request } from './fixtures';

const idOf = (reply: Reply): string | undefined => reply.findings[0]?.id;

describe('rate limits through the router', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('holds back one person beyond the limit, politely, and says when to try again', async () => {
    const { router, stubs } = await harness({ limits: { perUser: { points: 3, durationSeconds: 60 } } });
    const me = (): ReturnType<typeof request> => request('slack', 'U0USER001', 'cert mail.contoso.com');
    for (let i = 0; i < 3; i += 1) expect((await router.handle(me())).status).toBe('ok');
    const refused = await router.handle(me());
    expect(idOf(refused)).toBe('rate.limited');
    expect(refused.findings[0]?.message).toMatch(/Please try again in \d+ seconds?/);
    expect(refused.data).toMatchObject({ scope: 'user', limit: 3, windowSeconds: 60 });
    const retry = refused.data.retryAfterSeconds as number;
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(stubs.cert.runs).toBe(3);
    // Someone else in the same channel is not held back by my limit.
    expect((await router.handle(request('slack', 'U0USER002', 'cert mail.contoso.com'))).status).toBe('ok');
  });

  it('lets the person in again once the window has passed', async () => {
    jest.useFakeTimers({ now: new Date('2026-01-05T08:00:00Z') });
    const { router } = await harness({ limits: { perUser: { points: 2, durationSeconds: 60 } } });
    const me = (): ReturnType<typeof request> => request('teams', IDS.teamsOperator, 'help');
    await router.handle(me());
    await router.handle(me());
    expect(idOf(await router.handle(me()))).toBe('rate.limited');
    jest.setSystemTime(new Date('2026-01-05T08:01:01Z'));
    expect((await router.handle(me())).status).toBe('ok');
  });

  it('limits a channel across its people', async () => {
    const { router } = await harness({
      limits: { perUser: { points: 10, durationSeconds: 60 }, perChannel: { points: 4, durationSeconds: 120 } },
    });
    const users = ['U0A', 'U0B', 'U0C', 'U0D'];
    for (const user of users) expect((await router.handle(request('slack', user, 'help'))).status).toBe('ok');
    const refused = await router.handle(request('slack', 'U0E', 'help'));
    expect(idOf(refused)).toBe('rate.limited');
    expect(refused.data.scope).toBe('channel');
    expect(refused.findings[0]?.message).toContain('This conversation');
    // Another channel is its own bucket.
    expect((await router.handle(request('slack', 'U0E', 'help', { channelId: 'C0OTHER' }))).status).toBe('ok');
  });

  it('keeps Slack and Teams users with the same id apart', async () => {
    const { router } = await harness({ limits: { perUser: { points: 1, durationSeconds: 60 } } });
    expect((await router.handle(request('slack', 'same-id', 'help'))).status).toBe('ok');
    expect((await router.handle(request('teams', 'same-id', 'help'))).status).toBe('ok');
    expect(idOf(await router.handle(request('slack', 'same-id', 'help')))).toBe('rate.limited');
  });

  it('does not limit the terminal (the local operator) by default', async () => {
    const { router } = await harness({
      limits: { perUser: { points: 1, durationSeconds: 60 }, perChannel: { points: 1, durationSeconds: 60 } },
    });
    for (let i = 0; i < 25; i += 1) expect((await router.handle(request('cli', 'local', 'help'))).status).toBe('ok');
  });

  it('runs at most N probes against one host at once, however the host is written', async () => {
    const { router, stubs } = await harness({ limits: { concurrentPerTarget: 2 } });
    const release = stubs.cert.hold();
    const first = router.handle(request('slack', 'U0A', 'cert mail.contoso.com'));
    const second = router.handle(request('slack', 'U0B', 'cert mail.contoso.com:25'));
    await new Promise((r) => setImmediate(r));
    const third = await router.handle(request('slack', 'U0C', 'cert MAIL.Contoso.com.'));
    expect(idOf(third)).toBe('rate.limited');
    expect(third.data).toMatchObject({ scope: 'target', target: 'mail.contoso.com', limit: 2 });
    // Another host is free.
    const other = router.handle(request('slack', 'U0D', 'cert owa.contoso.com'));
    await new Promise((r) => setImmediate(r));
    release();
    expect((await first).status).toBe('ok');
    expect((await second).status).toBe('ok');
    expect((await other).status).toBe('ok');
    expect(stubs.cert.runs).toBe(3);
    // The slots came back when the probes completed.
    expect((await router.handle(request('slack', 'U0C', 'cert mail.contoso.com'))).status).toBe('ok');
    expect((await router.handle(request('slack', 'U0C', 'cert mail.contoso.com'))).status).toBe('ok');
  });

  it('gives a slot back when the probe fails', async () => {
    const { router } = await harness({ limits: { concurrentPerTarget: 1 } });
    for (let i = 0; i < 3; i += 1)
      expect(idOf(await router.handle(request('slack', 'U0A', 'cert fail.contoso.com')))).toBe('net.refused');
    expect((await router.handle(request('slack', 'U0A', 'cert fail.contoso.com:443'))).findings[0]?.id).toBe(
      'net.refused',
    );
  });
});

describe('createLimits', () => {
  it('does not count refused probe attempts as slots in use', async () => {
    const limits = createLimits({ ...DEFAULT_LIMITS, concurrentPerTarget: 1 });
    const req = request('slack', 'U0A', 'cert x');
    const slot = await limits.acquireTarget(req, 'mail.contoso.com');
    expect(isRefusal(slot)).toBe(false);
    for (let i = 0; i < 5; i += 1) expect(isRefusal(await limits.acquireTarget(req, 'mail.contoso.com'))).toBe(true);
    if (!isRefusal(slot)) {
      await slot.release();
      await slot.release();
    }
    const again = await limits.acquireTarget(req, 'mail.contoso.com');
    expect(isRefusal(again)).toBe(false);
    expect(isRefusal(await limits.acquireTarget(req, 'mail.contoso.com'))).toBe(true);
  });

  it('frees a leaked slot after the lease', async () => {
    jest.useFakeTimers({ now: new Date('2026-01-05T08:00:00Z') });
    try {
      const limits = createLimits({ ...DEFAULT_LIMITS, concurrentPerTarget: 1, targetLeaseSeconds: 30 });
      const req = request('slack', 'U0A', 'cert x');
      const leaked = await limits.acquireTarget(req, 'h');
      expect(isRefusal(await limits.acquireTarget(req, 'h'))).toBe(true);
      jest.setSystemTime(new Date('2026-01-05T08:00:31Z'));
      const fresh = await limits.acquireTarget(req, 'h');
      expect(isRefusal(fresh)).toBe(false);
      // The leaked slot's late release must not hand out a second slot in the new window.
      if (!isRefusal(leaked)) await leaked.release();
      expect(isRefusal(await limits.acquireTarget(req, 'h'))).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
