import type { AuditRow } from '../../../src/store/audit-types';
import { parseSince } from '../../../src/audit/since';
import { harness, IDS, request } from './fixtures';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('audit rows', () => {
  it('records who, where, command, target, status, outcome, duration and correlation id for every request', async () => {
    const { router, audit } = await harness();
    await router.handle(request('slack', 'U0USER001', 'cert MAIL.contoso.com.:993'));
    await router.handle(request('teams', '0c1d2e3f-0000-4000-8000-000000000001', 'relay mail.contoso.com'));
    await router.handle(request('slack', 'U0USER001', 'certify everything'));
    await router.handle(request('slack', 'U0USER001', 'cert fail.contoso.com'));
    const rows = audit.rows();
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({
      platform: 'slack',
      userId: 'U0USER001',
      teamId: 'T0TEAM',
      channelId: 'C0CHANNEL',
      command: 'cert',
      target: 'mail.contoso.com:993',
      status: 'ok',
    });
    expect(rows[0]).not.toHaveProperty('outcome');
    expect(rows[1]).toMatchObject({
      platform: 'teams',
      command: 'relay',
      target: 'mail.contoso.com:25',
      status: 'error',
      outcome: 'auth.forbidden',
    });
    expect(rows[2]).toMatchObject({ command: 'usage', status: 'error', outcome: 'usage' });
    expect(rows[2]).not.toHaveProperty('target');
    expect(rows[3]).toMatchObject({ command: 'cert', status: 'error', outcome: 'net.refused' });
    for (const row of rows) {
      expect(row.correlationId).toMatch(UUID);
      expect(Number.isInteger(row.durationMs) && row.durationMs >= 0).toBe(true);
      expect(Number.isNaN(Date.parse(row.at))).toBe(false);
    }
    expect(new Set(rows.map((r) => r.correlationId)).size).toBe(4);
  });

  it("refuses a port outside the command's list with policy.denied, before the probe, and records it", async () => {
    const { router, stubs, audit } = await harness({ ports: { cert: [8443] } });
    const refused = await router.handle(request('slack', 'U0USER001', 'cert mail.contoso.com:8080'));
    expect(refused.findings[0]).toMatchObject({ id: 'policy.denied', message: expect.stringContaining('port 8080') });
    expect(refused.findings[0]?.fix?.summary).toContain('targets.ports.cert');
    expect(refused.data.allowedPorts).toEqual(expect.arrayContaining([443, 25, 8443]));
    expect((await router.handle(request('slack', 'U0USER001', 'cert mail.contoso.com:8443'))).status).toBe('ok');
    expect(idOf(await router.handle(request('slack', IDS.slackOperator, 'relay mail.contoso.com:443')))).toBe(
      'policy.denied',
    );
    expect(stubs.cert.runs).toBe(1);
    expect(stubs.relay.runs).toBe(0);
    expect(audit.rows().map((r) => r.outcome)).toEqual(['policy.denied', undefined, 'policy.denied']);
  });

  it('refuses a literal address outside the policy before the handler runs, however it is spelled', async () => {
    const { router, stubs } = await harness();
    for (const text of [
      'cert 2130706433',
      'cert 0x7f.1:443',
      'cert [::ffff:169.254.169.254]',
      'cert 0251.0376.0251.0376',
    ]) {
      const reply = await router.handle(request('slack', 'U0USER001', text));
      expect(reply.findings[0]?.id).toBe('policy.denied');
    }
    expect(stubs.cert.runs).toBe(0);
  });

  it('keeps configured secrets out of rows and replies, even when typed as a target', async () => {
    const secret = 'xoxb-test-0000-SECRETVALUE';
    const { router, audit } = await harness({ secrets: [secret] });
    const reply = await router.handle(request('slack', 'U0USER001', `cert ${secret}:8080`));
    expect(JSON.stringify(reply)).not.toContain(secret);
    // Scrubbed where the request entered: the command itself only ever saw `[Redacted]` as the host.
    expect(JSON.stringify(reply)).toMatch(/redacted/i);
    const ok = await router.handle(request('slack', 'U0USER001', `cert ${secret}`));
    expect(JSON.stringify(ok)).not.toContain(secret);
    expect(JSON.stringify(audit.rows())).not.toContain(secret);
    expect(audit.rows()[1]?.target).toBe('redacted:443');
  });

  it('logs a failing store and still answers', async () => {
    const h = await harness();
    h.audit.append = async (): Promise<void> => {
      throw new Error('disk full');
    };
    const reply = await h.router.handle(request('slack', 'U0USER001', 'help'));
    expect(reply.status).toBe('ok');
    expect(h.log.lines.some((l) => l.level === 'error' && l.msg === 'writing the audit row failed')).toBe(true);
  });
});

const idOf = (reply: { findings: Array<{ id: string }> }): string | undefined => reply.findings[0]?.id;

describe('the audit command', () => {
  const NOW = new Date('2026-03-02T12:00:00Z');
  const row = (minutesAgo: number, userId: string, extra: Partial<AuditRow> = {}): AuditRow => ({
    at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
    platform: 'slack',
    userId,
    channelId: 'C0CHANNEL',
    command: 'cert',
    target: 'mail.contoso.com:443',
    status: 'ok',
    durationMs: 12,
    correlationId: `00000000-0000-4000-8000-${String(minutesAgo).padStart(12, '0')}`,
    ...extra,
  });

  async function seeded(): Promise<ReturnType<typeof harness>> {
    const h = await harness({ now: () => NOW });
    await h.audit.append(row(60 * 30, 'U0OLD'));
    await h.audit.append(row(120, 'U0ALICE', { status: 'error', outcome: 'auth.forbidden', command: 'relay' }));
    await h.audit.append(row(30, 'U0BOB'));
    await h.audit.append(row(5, 'U0ALICE'));
    return h;
  }

  it('is for admins only', async () => {
    const h = await seeded();
    expect(idOf(await h.router.handle(request('slack', IDS.slackOperator, 'audit')))).toBe('auth.forbidden');
    expect((await h.router.handle(request('slack', IDS.slackAdmin, 'audit'))).status).toBe('ok');
  });

  it('shows the last 24 hours newest first by default', async () => {
    const h = await seeded();
    const reply = await h.router.handle(request('slack', IDS.slackAdmin, 'audit'));
    const rows = reply.data.rows as AuditRow[];
    expect(rows.map((r) => r.userId)).toEqual(['U0ALICE', 'U0BOB', 'U0ALICE']);
    expect(reply.findings[0]?.message).toContain('auth.forbidden ×1');
    expect(reply.findings.filter((f) => f.id === 'audit.entry')[2]?.message).toContain(
      'relay mail.contoso.com:443 · error (auth.forbidden)',
    );
  });

  it('filters by user (any case, a leading @ ignored) and span', async () => {
    const h = await seeded();
    const byUser = await h.router.handle(request('slack', IDS.slackAdmin, 'audit --user @u0alice --since 1h'));
    expect((byUser.data.rows as AuditRow[]).map((r) => r.at)).toEqual([row(5, 'x').at]);
    // The audit command itself is in the trail too (the row above, newest).
    const week = await h.router.handle(request('slack', IDS.slackAdmin, 'audit --since 7d --limit 3'));
    expect((week.data.rows as AuditRow[]).map((r) => r.userId)).toEqual([IDS.slackAdmin, 'U0ALICE', 'U0BOB']);
    const dated = await h.router.handle(request('slack', IDS.slackAdmin, 'audit --since 2026-02-01'));
    expect((dated.data.rows as AuditRow[]).map((r) => r.userId)).toEqual([
      IDS.slackAdmin,
      IDS.slackAdmin,
      'U0ALICE',
      'U0BOB',
      'U0ALICE',
      'U0OLD',
    ]);
  });

  it('says so when nothing matches', async () => {
    const h = await seeded();
    const reply = await h.router.handle(request('slack', IDS.slackAdmin, 'audit --user U0NOBODY'));
    expect(reply.findings[0]?.message).toMatch(/No commands were recorded since .* by U0NOBODY/);
  });

  it.each(['audit --since yesterday', 'audit --since 5x', 'audit --limit many', 'audit everything', 'audit --user'])(
    '%s is a usage error with an example',
    async (text) => {
      const h = await seeded();
      const reply = await h.router.handle(request('slack', IDS.slackAdmin, text));
      expect(reply.findings[0]?.id).toBe('usage');
      expect(reply.findings[0]?.fix?.summary).toContain('audit');
    },
  );
});

describe('parseSince', () => {
  const now = new Date('2026-03-02T12:00:00Z');
  it.each([
    ['30m', '2026-03-02T11:30:00.000Z'],
    ['24h', '2026-03-01T12:00:00.000Z'],
    ['7d', '2026-02-23T12:00:00.000Z'],
    ['2w', '2026-02-16T12:00:00.000Z'],
    ['90 secs', '2026-03-02T11:58:30.000Z'],
    ['2026-01-31', '2026-01-31T00:00:00.000Z'],
    ['2026-01-31T08:00Z', '2026-01-31T08:00:00.000Z'],
  ])('%s', (text, iso) => {
    expect(parseSince(text, now)?.toISOString()).toBe(iso);
  });

  it.each(['', 'soon', '-1h', '1y', '2026-13-45', '24'])('%s is not a span', (text) => {
    expect(parseSince(text, now)).toBeUndefined();
  });
});
