import fc from 'fast-check';
import { cardBytes } from '../../../adapters/teams/card';
import { layoutCard, renderCard, renderPendingCard, TEAMS_CARD_MAX_BYTES } from '../../../adapters/teams/render';
import { makeReply, type Finding, type Reply, type Severity } from '../../../src/core/reply';
import { cardActions, cardFacts, cardFindingIds, cardProblems, cardTexts } from './validate-card';
import { fakeId } from '../../helpers/finding-id';

const expired: Finding = {
  id: 'cert.expired',
  severity: 'fail',
  message: 'The certificate expired on 2025-01-01.',
  fix: {
    summary: 'Renew it.',
    steps: ['New-ExchangeCertificate …', 'Enable-ExchangeCertificate -Services IIS'],
    links: [
      { title: 'Renew', url: 'https://learn.microsoft.com/exchange/renew' },
      { title: 'Runbook on the file share', url: 'file://fs01/runbooks/cert.docx' },
    ],
  },
};

describe('renderCard', () => {
  it('renders title, status colour, facts, findings, links and follow-ups', () => {
    const reply = makeReply({
      command: 'cert',
      title: 'mail.contoso.com:443 — certificate expired',
      findings: [expired, { id: 'cert.weak-signature', severity: 'warn', message: 'SHA-1 signature.' }],
      facts: [{ label: 'Issuer', value: 'CN=Contoso Issuing CA' }],
      actions: [{ label: 'Check again', command: 'cert mail.contoso.com:443' }],
    });
    const card = renderCard(reply);
    expect(cardProblems(card)).toEqual([]);
    expect(card.version).toBe('1.5');
    const [title, subtitle] = card.body;
    expect(title).toMatchObject({ type: 'TextBlock', color: 'Attention', weight: 'Bolder' });
    expect(subtitle).toMatchObject({ text: 'FAIL · cert' });
    expect(cardFacts(card)).toEqual([{ title: 'Issuer', value: 'CN=Contoso Issuing CA' }]);
    expect(cardFindingIds(card)).toEqual(['cert.expired', 'cert.weak-signature']);
    const actions = cardActions(card);
    expect(actions).toContainEqual({
      type: 'Action.OpenUrl',
      title: 'Renew',
      url: 'https://learn.microsoft.com/exchange/renew',
    });
    // A non-web link is shown, never made clickable.
    expect(actions.some((a) => a.url?.startsWith('file:'))).toBe(false);
    expect(cardTexts(card)).toContain('Runbook on the file share: file://fs01/runbooks/cert.docx');
    expect(card.actions).toEqual([
      { type: 'Action.Submit', title: 'Check again', data: { diagbotCommand: 'cert mail.contoso.com:443' } },
    ]);
  });

  it.each([
    ['ok', 'Good'],
    ['warn', 'Warning'],
    ['fail', 'Attention'],
    ['error', 'Attention'],
  ] as const)('colours a %s title %s', (status, color) => {
    const card = renderCard(makeReply({ command: 'x', title: 't', findings: [], status }));
    expect(card.body[0]).toMatchObject({ color });
  });

  it('shows user and server text as text', () => {
    const hostile = '**[click me](https://evil.example)** <img src=x> {{DATE(2025-01-01T00:00:00Z)}}\n# not a heading';
    const card = renderCard(
      makeReply({
        command: 'explain',
        title: hostile,
        findings: [{ id: 'explain.no-match', severity: 'info', message: hostile }],
        facts: [{ label: hostile, value: hostile }],
      }),
    );
    const raw = JSON.stringify(card);
    expect(raw).not.toContain('[click me](');
    expect(raw).not.toContain('{{DATE');
    expect(cardTexts(card)[0]).toBe(hostile.replace('\n', '\n\n'));
    expect(cardProblems(card)).toEqual([]);
  });

  it('cuts a huge reply to fit, keeps the worst findings and says what it left out', () => {
    const findings: Finding[] = [];
    for (let i = 0; i < 300; i += 1)
      findings.push({ id: fakeId(`help.command-${i}`), severity: 'info', message: `line ${i} `.repeat(40) });
    findings.push({ ...expired, id: 'cert.expired' });
    const reply = makeReply({
      command: 'help',
      title: 'lots',
      findings,
      facts: Array.from({ length: 200 }, (_, i) => ({ label: `fact ${i}`, value: 'v'.repeat(300) })),
    });
    const { card, omitted } = layoutCard(reply);
    expect(cardBytes(card)).toBeLessThanOrEqual(TEAMS_CARD_MAX_BYTES);
    expect(cardProblems(card)).toEqual([]);
    expect(cardFindingIds(card)).toContain('cert.expired');
    expect(omitted.findings.length).toBeGreaterThan(0);
    expect(cardFindingIds(card).length + omitted.findings.length).toBe(findings.length);
    const note = cardTexts(card).at(-1) as string;
    expect(note).toContain(`${omitted.findings.length} findings`);
    expect(note).toContain('diagbot --json');
  });

  it('leaves out a follow-up whose command is too long to carry rather than change it', () => {
    const long = `explain ${'x'.repeat(5000)}`;
    const { card, omitted } = layoutCard(
      makeReply({
        command: 'explain',
        title: 't',
        findings: [],
        actions: [
          { label: 'again', command: long },
          { label: 'ok', command: 'help' },
        ],
      }),
    );
    expect(card.actions).toEqual([{ type: 'Action.Submit', title: 'ok', data: { diagbotCommand: 'help' } }]);
    expect(omitted.actions).toBe(1);
  });

  it('renders the pending card', () => {
    const card = renderPendingCard('cert mail.contoso.com --starttls smtp');
    expect(cardProblems(card)).toEqual([]);
    expect(cardTexts(card).slice(0, 2)).toEqual(['Checking …', 'cert mail.contoso.com --starttls smtp']);
  });
});

const severity = fc.constantFrom<Severity>('ok', 'info', 'warn', 'fail', 'error');
const text = (max: number): fc.Arbitrary<string> => fc.string({ unit: 'binary', maxLength: max });
const url = fc.oneof(fc.webUrl(), text(100));
const finding: fc.Arbitrary<Finding> = fc.record({
  id: text(60).map(fakeId),
  severity,
  message: text(4000),
  fix: fc.option(
    fc.record({
      summary: text(1500),
      steps: fc.option(fc.array(text(1000), { maxLength: 25 }), { nil: undefined }),
      links: fc.option(fc.array(fc.record({ title: text(100), url }), { maxLength: 8 }), { nil: undefined }),
    }),
    { nil: undefined },
  ),
});
const reply: fc.Arbitrary<Reply> = fc
  .record({
    command: text(80),
    title: text(600),
    findings: fc.array(finding, { maxLength: 60 }),
    facts: fc.array(fc.record({ label: text(120), value: text(1200) }), { maxLength: 60 }),
    actions: fc.array(fc.record({ label: text(100), command: text(1500) }), { maxLength: 12 }),
    status: fc.constantFrom('ok', 'warn', 'fail', 'error'),
  })
  .map((r) => ({ ...r, data: {} }));

describe('renderCard for any Reply', () => {
  it('fits the size limit, parses cleanly and accounts for every finding', () => {
    fc.assert(
      fc.property(reply, (r) => {
        const { card, omitted } = layoutCard(r);
        expect(cardBytes(card)).toBeLessThanOrEqual(TEAMS_CARD_MAX_BYTES);
        expect(cardProblems(card)).toEqual([]);
        const containers = card.body.filter((e) => e.type === 'Container');
        expect(containers.length + omitted.findings.length).toBe(r.findings.length);
        expect((card.actions?.length ?? 0) + omitted.actions).toBe(r.actions.length);
        expect(cardFacts(card).length + omitted.facts).toBe(r.facts.length);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
  });
});
