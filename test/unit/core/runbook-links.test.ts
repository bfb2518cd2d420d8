import fc from 'fast-check';
import { z } from 'zod';
import type { Command } from '../../../src/core/command';
import { DiagError, usageError } from '../../../src/core/errors';
import { makeReply, withRunbookLinks, type Finding, type Reply } from '../../../src/core/reply';
import { createRouter, type CompletedEvent } from '../../../src/core/router';
import { captureLogger } from '../../helpers/logger';
import { chatRequest } from '../../helpers/requests';
import { fakeId } from '../../helpers/finding-id';

const DOC = { title: 'Vendor docs', url: 'https://learn.microsoft.com/en-us/exchange/' };
const RUNBOOK = 'https://wiki.contoso.test/runbooks/renew';

function reply(findings: Finding[]): Reply {
  return makeReply({ command: 'test', title: 'test', findings });
}

describe('withRunbookLinks', () => {
  it('appends the runbook to the links of a finding that has a fix, after the vendor links', () => {
    const input = reply([
      {
        id: 'cert.expired',
        severity: 'fail',
        message: 'expired',
        fix: { summary: 'Renew it.', steps: ['Renew.'], links: [DOC] },
      },
    ]);
    const out = withRunbookLinks(input, { 'cert.expired': RUNBOOK });
    expect(out.findings[0]?.fix).toEqual({
      summary: 'Renew it.',
      steps: ['Renew.'],
      links: [DOC, { title: 'Your runbook', url: RUNBOOK }],
    });
    expect(out.status).toBe('fail');
  });

  it('adds links to a fix that had none', () => {
    const out = withRunbookLinks(
      reply([{ id: fakeId('a'), severity: 'warn', message: 'm', fix: { summary: 'Do it.' } }]),
      { a: RUNBOOK },
    );
    expect(out.findings[0]?.fix).toEqual({ summary: 'Do it.', links: [{ title: 'Your runbook', url: RUNBOOK }] });
  });

  it('creates a fix pointing at the runbook when the finding has none', () => {
    const out = withRunbookLinks(reply([{ id: 'code.hresult', severity: 'info', message: 'decoded' }]), {
      'code.hresult': RUNBOOK,
    });
    expect(out.findings[0]).toEqual({
      id: 'code.hresult',
      severity: 'info',
      message: 'decoded',
      fix: { summary: "See your organisation's runbook.", links: [{ title: 'Your runbook', url: RUNBOOK }] },
    });
  });

  it('touches only the findings whose id has a runbook', () => {
    const other: Finding = { id: 'cert.ok', severity: 'ok', message: 'fine' };
    const out = withRunbookLinks(
      reply([other, { id: 'cert.expired', severity: 'fail', message: 'x', fix: { summary: 's' } }]),
      { 'cert.expired': RUNBOOK },
    );
    expect(out.findings[0]).toBe(other);
    expect(out.findings[1]?.fix?.links).toEqual([{ title: 'Your runbook', url: RUNBOOK }]);
  });

  it('returns the same object when there is nothing to add', () => {
    const input = reply([{ id: 'cert.expired', severity: 'fail', message: 'x', fix: { summary: 's', links: [DOC] } }]);
    expect(withRunbookLinks(input, {})).toBe(input);
    expect(withRunbookLinks(input, { 'cert.other': RUNBOOK })).toBe(input);
    expect(withRunbookLinks(reply([]), { 'cert.expired': RUNBOOK }).findings).toEqual([]);
  });

  it('never adds a URL the fix already links to, and applying it twice changes nothing more', () => {
    const already = reply([
      {
        id: fakeId('a'),
        severity: 'fail',
        message: 'x',
        fix: { summary: 's', links: [{ title: 'Runbook', url: RUNBOOK }] },
      },
    ]);
    expect(withRunbookLinks(already, { a: RUNBOOK })).toBe(already);
    const once = withRunbookLinks(reply([{ id: fakeId('a'), severity: 'fail', message: 'x' }]), { a: RUNBOOK });
    expect(withRunbookLinks(once, { a: RUNBOOK })).toBe(once);
  });

  it('does not change the reply it was given', () => {
    const input = reply([{ id: fakeId('a'), severity: 'fail', message: 'x', fix: { summary: 's', links: [DOC] } }]);
    const before = structuredClone(input);
    const out = withRunbookLinks(input, { a: RUNBOOK });
    expect(out).not.toBe(input);
    expect(input).toEqual(before);
  });

  it('ignores keys inherited from Object.prototype', () => {
    const input = reply([
      { id: fakeId('constructor'), severity: 'fail', message: 'x' },
      { id: fakeId('toString'), severity: 'warn', message: 'y' },
    ]);
    expect(withRunbookLinks(input, {})).toBe(input);
  });

  it('general case: each finding with a runbook links it exactly once, the rest stay as they were', () => {
    const id = fc.constantFrom('cert.expired', 'relay.open', 'ou.disabled', 'kb.x', 'usage');
    const url = fc.constantFrom('https://a.test/1', 'https://b.test/2', DOC.url);
    const link = fc.record({ title: fc.string({ maxLength: 8 }), url });
    const fix = fc.option(
      fc.record({
        summary: fc.string({ maxLength: 8 }),
        links: fc.option(fc.array(link, { maxLength: 3 }), { nil: undefined }),
      }),
      { nil: undefined },
    );
    const finding = fc
      .record({
        id,
        severity: fc.constantFrom('ok', 'info', 'warn', 'fail', 'error' as const),
        message: fc.string({ maxLength: 8 }),
        fix,
      })
      .map((f): Finding =>
        f.fix === undefined
          ? { id: f.id, severity: f.severity, message: f.message }
          : {
              id: f.id,
              severity: f.severity,
              message: f.message,
              fix:
                f.fix.links === undefined ? { summary: f.fix.summary } : { summary: f.fix.summary, links: f.fix.links },
            },
      );
    const runbooks = fc.dictionary(id, url);
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 6 }), runbooks, (findings, books) => {
        const input = reply(findings);
        const out = withRunbookLinks(input, books);
        expect(out.status).toBe(input.status);
        expect(out.findings).toHaveLength(findings.length);
        out.findings.forEach((after, i) => {
          const before = findings[i] as Finding;
          const wanted = Object.hasOwn(books, before.id) ? books[before.id] : undefined;
          if (wanted === undefined) {
            expect(after).toBe(before);
            return;
          }
          const urls = (after.fix?.links ?? []).map((l) => l.url);
          const had = (before.fix?.links ?? []).filter((l) => l.url === wanted).length;
          expect(urls.filter((u) => u === wanted)).toHaveLength(Math.max(had, 1));
          expect(after.fix?.links?.slice(0, before.fix?.links?.length ?? 0)).toEqual(before.fix?.links ?? []);
        });
        expect(withRunbookLinks(out, books)).toBe(out);
      }),
    );
  });
});

/** Commands that answer in each of the ways the router knows: a reply, a DiagError, a usage error, a crash. */
const check: Command<{ positional: string[] }> = {
  name: 'check',
  summary: 'Answer in the way asked for.',
  usage: 'check ok|diag|usage|crash',
  examples: ['check ok'],
  args: z.object({ positional: z.array(z.string()).max(1, 'one word, e.g. `check ok`') }),
  async run(args) {
    switch (args.positional[0]) {
      case 'diag':
        throw new DiagError('net.timeout', 'Timed out.', { fix: { summary: 'Try again.', links: [DOC] } });
      case 'usage':
        throw usageError('bad word', 'check ok');
      case 'crash':
        throw new Error('internal detail');
      default:
        return makeReply({
          command: 'check',
          title: 'ran',
          findings: [
            {
              id: fakeId('check.fail'),
              severity: 'fail',
              message: 'it failed',
              fix: { summary: 'Fix it.', links: [DOC] },
            },
          ],
        });
    }
  },
};

const admin: Command<{ positional: string[] }> = {
  name: 'admin-only',
  summary: 'Admins only.',
  usage: 'admin-only',
  examples: ['admin-only'],
  minRole: 'admin',
  args: z.object({ positional: z.array(z.string()) }),
  async run() {
    return makeReply({ command: 'admin-only', title: 'ran', findings: [] });
  },
};

const RUNBOOKS = {
  'check.fail': 'https://wiki.contoso.test/check',
  'net.timeout': 'https://wiki.contoso.test/timeouts',
  usage: 'https://wiki.contoso.test/how-to-ask',
  internal: 'https://wiki.contoso.test/report-a-bug',
  'auth.forbidden': 'https://wiki.contoso.test/roles',
};

function router(runbooks?: Record<string, string>) {
  const events: CompletedEvent[] = [];
  const r = createRouter({
    commands: [check, admin],
    log: captureLogger(),
    runbooks,
    hooks: {
      roleOf: () => 'everyone',
      completed: (event) => {
        events.push(event);
      },
    },
  });
  return { events, ask: (text: string) => r.handle(chatRequest(text)) };
}

const runbookUrls = (r: Reply, id: string): string[] =>
  (r.findings.find((f) => f.id === id)?.fix?.links ?? []).filter((l) => l.title === 'Your runbook').map((l) => l.url);

describe('the router adds runbook links to every reply', () => {
  it.each([
    ['check ok', 'check.fail'],
    ['check diag', 'net.timeout'],
    ['check usage', 'usage'],
    ['check two words', 'usage'],
    ['check --nope', 'usage'],
    ['nosuchcommand', 'usage'],
    ['', 'usage'],
    ['check crash', 'internal'],
    ['admin-only', 'auth.forbidden'],
  ])('%j → %s', async (text, id) => {
    const { ask, events } = router(RUNBOOKS);
    const reply = await ask(text);
    expect(reply.findings.map((f) => f.id)).toContain(id);
    expect(runbookUrls(reply, id)).toEqual([RUNBOOKS[id as keyof typeof RUNBOOKS]]);
    // The completed hook (audit, metrics) sees the reply the user gets.
    expect(events).toHaveLength(1);
    expect(events[0]?.reply).toEqual(reply);
  });

  it('keeps the vendor links first and the rest of the reply as it was', async () => {
    const withBooks = await router(RUNBOOKS).ask('check diag');
    const without = await router().ask('check diag');
    expect(without.findings[0]?.fix?.links).toEqual([DOC]);
    expect(withBooks.findings[0]?.fix?.links).toEqual([DOC, { title: 'Your runbook', url: RUNBOOKS['net.timeout'] }]);
    expect({ ...withBooks, findings: [] }).toEqual({ ...without, findings: [] });
  });

  it('adds nothing without runbooks, or for ids that have none', async () => {
    expect(runbookUrls(await router().ask('check ok'), 'check.fail')).toEqual([]);
    expect(
      runbookUrls(await router({ 'other.id': 'https://wiki.contoso.test/x' }).ask('check ok'), 'check.fail'),
    ).toEqual([]);
  });
});
