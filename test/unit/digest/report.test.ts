import fc from 'fast-check';
import { makeReply, type Finding, type Reply, type Severity } from '../../../src/core/reply';
import { buildDigestReply, diffResults, orderForDisplay, problemIds } from '../../../src/digest/report';
import type { RunResult } from '../../../src/store/types';
import { fakeId } from '../../helpers/finding-id';

const check = (command: string, findings: Finding[], data: Record<string, unknown> = {}, position = 0): RunResult => ({
  position,
  command,
  reply: makeReply({
    command: command.split(' ')[0] ?? 'x',
    title: `${command}: ${findings.map((f) => f.id).join(',') || 'nothing'}`,
    findings,
    data,
  }),
});
const f = (id: string, severity: Severity = 'warn'): Finding => ({
  id: fakeId(id),
  severity,
  message: `${id} happened`,
});
const digest = {
  id: 'd4k2m9p',
  channel: 'slack:C0OPS',
  schedule: 'daily 08:00',
  timezone: 'UTC',
  commands: [] as string[],
};
const run = {
  id: 7,
  slot: '2026-01-05T08:00:00.000Z',
  kind: 'scheduled' as const,
  slotLocal: '2026-01-05 08:00 UTC',
  attempt: 1,
};

describe('diffResults', () => {
  it('compares by finding id per command text; ok/info findings are not problems', () => {
    const previous = [
      check('cert a', [f('cert.expiring-soon'), f('cert.ok', 'ok')]),
      check('relay b', [f('relay.open', 'fail')]),
    ];
    const current = [
      check('cert a', [f('cert.expired', 'fail')]),
      check('relay b', [f('relay.open', 'fail')]),
      check('cert new', [f('cert.weak-key', 'fail')]),
    ];
    expect(diffResults(current, previous)).toEqual([
      { command: 'cert a', new: ['cert.expired'], resolved: ['cert.expiring-soon'], continuing: [] },
      { command: 'relay b', new: [], resolved: [], continuing: ['relay.open'] },
      { command: 'cert new', new: ['cert.weak-key'], resolved: [], continuing: [] },
    ]);
  });

  it('property: new, resolved and continuing partition the two sets of problem ids', () => {
    const ids = fc.constantFrom('a.one', 'a.two', 'b.three', 'c.four', 'net.timeout');
    const findings = fc.array(
      fc.record({ id: ids, severity: fc.constantFrom<Severity>('ok', 'info', 'warn', 'fail', 'error') }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(findings, findings, (before, after) => {
        const prev = check(
          'x',
          before.map((b) => f(b.id, b.severity)),
        );
        const cur = check(
          'x',
          after.map((a) => f(a.id, a.severity)),
        );
        const [change] = diffResults([cur], [prev]);
        const was = new Set(problemIds(prev.reply));
        const is = new Set(problemIds(cur.reply));
        expect(new Set(change?.new)).toEqual(new Set([...is].filter((id) => !was.has(id))));
        expect(new Set(change?.resolved)).toEqual(new Set([...was].filter((id) => !is.has(id))));
        expect(new Set(change?.continuing)).toEqual(new Set([...is].filter((id) => was.has(id))));
      }),
    );
  });

  it('treats everything as new on the first run', () => {
    expect(diffResults([check('cert a', [f('cert.expired', 'fail')])], undefined)[0]?.new).toEqual(['cert.expired']);
  });
});

describe('buildDigestReply', () => {
  it('counts by status, sorts certificates by days left, and keeps the other checks in order', () => {
    const results = [
      check('relay 203.0.113.9', [f('relay.denied', 'ok')], {}, 0),
      check('cert b.contoso.com', [f('cert.ok', 'ok')], { daysRemaining: 200 }, 1),
      check('cert a.contoso.com', [f('cert.expiring-soon')], { daysRemaining: 12 }, 2),
      check('explain 0x80070005', [f('kb.x', 'info')], {}, 3),
      check('cert c.contoso.com', [f('net.timeout', 'error')], {}, 4),
    ];
    expect(orderForDisplay(results).map((r) => r.command)).toEqual([
      'cert a.contoso.com',
      'cert b.contoso.com',
      'relay 203.0.113.9',
      'explain 0x80070005',
      'cert c.contoso.com',
    ]);
    const reply = buildDigestReply({ digest, run, results });
    expect(reply.command).toBe('digest');
    expect(reply.status).toBe('error');
    expect(reply.facts[0]).toEqual({ label: 'Checks', value: '5: 0 fail · 1 warn · 1 could not run · 3 ok' });
    expect(reply.facts.slice(2).map((x) => x.label)).toEqual(orderForDisplay(results).map((r) => r.command));
    expect(reply.data.counts).toEqual({ ok: 3, warn: 1, fail: 0, error: 1 });
    expect((reply.data.results as Reply[]).length).toBe(5);
    expect(reply.data.digest).toEqual(digest);
  });

  it('shows NEW findings with their fix, RESOLVED as a line, and keeps the summary info-only', () => {
    const fix = { summary: 'Renew.', links: [{ title: 'docs', url: 'https://learn.microsoft.com/' }] };
    const previous = [check('cert a', [f('cert.expiring-soon')]), check('cert b', [f('cert.weak-key', 'fail')])];
    const results = [
      check('cert a', [{ ...f('cert.expired', 'fail'), fix }]),
      check('cert b', [f('cert.weak-key', 'fail')]),
    ];
    const reply = buildDigestReply({
      digest,
      run,
      results,
      previous: { results: previous, slotLocal: '2026-01-04 08:00 UTC' },
    });
    expect(reply.findings[0]).toMatchObject({ id: 'digest.changed', severity: 'info' });
    expect(reply.findings[0]?.message).toMatch(
      /1 new, 1 resolved since the previous run \(2026-01-04 08:00 UTC\)\. 1 problem\(s\) continue/,
    );
    const added = reply.findings.find((x) => x.id === 'cert.expired');
    expect(added).toMatchObject({ severity: 'fail', fix });
    expect(added?.message).toMatch(/^NEW · cert a: /);
    expect(reply.findings.some((x) => x.id === 'cert.weak-key')).toBe(false);
    expect(reply.findings.filter((x) => /^RESOLVED/.test(x.message)).map((x) => x.message)).toEqual([
      'RESOLVED · cert a: cert.expiring-soon is no longer reported.',
    ]);
    expect(reply.facts.find((x) => x.label === 'cert b')?.value).toMatch(/unchanged/);
    expect(reply.data.changes).toEqual([
      { command: 'cert a', new: ['cert.expired'], resolved: ['cert.expiring-soon'] },
      { command: 'cert b', new: [], resolved: [] },
    ]);
    expect(reply.status).toBe('fail');
  });

  it('caps the listed changes and says how many more there are', () => {
    const results = Array.from({ length: 30 }, (_, i) => check(`probe ${i}`, [f(`p.${i}`)], {}, i));
    const reply = buildDigestReply({ digest, run, results });
    expect(reply.findings.filter((x) => /^NEW/.test(x.message)).length).toBe(20);
    expect(reply.findings.at(-1)?.message).toMatch(/and 10 more change/);
  });
});
