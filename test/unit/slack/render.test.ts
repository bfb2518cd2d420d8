import { renderForCli, renderInterim, renderReply } from '../../../adapters/slack/render';
import { makeReply, type Finding, type Reply, type Severity } from '../../../src/core/reply';
import { blockKitProblems, findingIds } from './block-kit-limits';
import { fakeId } from '../../helpers/finding-id';

const certReply = (): Reply =>
  makeReply({
    command: 'cert',
    title: 'mail.contoso.com:443 — certificate expires in 12 days',
    findings: [
      {
        id: 'cert.expiring-soon',
        severity: 'warn',
        message: 'The certificate expires on 2026-12-10 (12 days).',
        fix: {
          summary: 'Renew the certificate and bind it to the service.',
          steps: ['New-ExchangeCertificate …', 'Enable-ExchangeCertificate -Services IIS,SMTP'],
          links: [
            { title: 'Renew an Exchange certificate', url: 'https://learn.microsoft.com/exchange/renew?a=1&b=2' },
          ],
        },
      },
      { id: 'cert.ok', severity: 'ok', message: 'The chain is trusted.' },
    ],
    facts: [{ label: 'Issuer', value: 'CN=Contoso Issuing CA' }],
    actions: [{ label: 'Check again', command: 'cert mail.contoso.com:443' }],
  });

const finding = (i: number, severity: Severity = 'info'): Finding => ({
  id: fakeId(`test.f${i}`),
  severity,
  message: `finding number ${i}`,
});

describe('renderReply', () => {
  it('renders header, one section per finding (id in block_id), facts as fields, buttons and a context line', () => {
    const { main, rest } = renderReply(certReply());
    expect(rest).toEqual([]);
    expect(blockKitProblems(main)).toEqual([]);
    const types = main.blocks.map((b) => b.type);
    expect(types).toEqual(['header', 'section', 'section', 'section', 'actions', 'context']);
    expect(findingIds(main.blocks)).toEqual(['cert.expiring-soon', 'cert.ok']);
    const header = JSON.stringify(main.blocks[0]);
    expect(header).toContain('WARN');
    expect(header).toContain('certificate expires in 12 days');
    const section = JSON.stringify(main.blocks[1]);
    // The link is a Slack link and the & in its URL an entity, so the URL survives intact.
    expect(section).toContain('<https://learn.microsoft.com/exchange/renew?a=1&amp;b=2|Renew an Exchange certificate>');
    expect(section).toContain('*Fix:* Renew the certificate');
    const actions = main.blocks[4] as { elements: Array<{ value: string; action_id: string }> };
    expect(actions.elements[0]).toMatchObject({ value: 'cert mail.contoso.com:443', action_id: 'diag.run.0' });
    expect(main.text).toBe('[WARN] mail.contoso.com:443 — certificate expires in 12 days');
  });

  it('escapes user and server text so a pasted <!channel> stays text', () => {
    const reply = makeReply({
      command: 'explain',
      title: 'Error <!channel> & <@U123>',
      findings: [
        {
          id: 'explain.no-match',
          severity: 'info',
          message: 'You pasted: <!here> <https://evil.example|click me> &amp;',
        },
      ],
      facts: [{ label: '<!channel>', value: '<#C123|general>' }],
    });
    const { main } = renderReply(reply);
    expect(blockKitProblems(main)).toEqual([]);
    // Plain-text objects (the header) are shown as typed and never parsed; mrkdwn objects must be escaped.
    expect(main.blocks[0]).toMatchObject({
      type: 'header',
      text: { type: 'plain_text', text: '✅ OK · Error <!channel> & <@U123>' },
    });
    const json = JSON.stringify([main.text, ...main.blocks.slice(1)]);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).toContain('&lt;!here&gt;');
    expect(json).toContain('&amp;amp;');
    expect(main.text).toBe('[OK] Error &lt;!channel&gt; &amp; &lt;@U123&gt;');
  });

  it('turns a non-http link into text rather than markup', () => {
    const reply = makeReply({
      command: 'x',
      title: 't',
      findings: [
        {
          id: fakeId('x.y'),
          severity: 'fail',
          message: 'm',
          fix: { summary: 's', links: [{ title: 'run me', url: 'javascript:alert(1)' }] },
        },
      ],
    });
    const { main } = renderReply(reply);
    expect(JSON.stringify(main.blocks[1])).toContain('run me (javascript:alert(1))');
    expect(blockKitProblems(main)).toEqual([]);
  });

  it('cuts a reply too big for one message, worst findings first, and carries the rest in follow-ups', () => {
    const findings = Array.from({ length: 130 }, (_, i) => finding(i, i === 120 ? 'fail' : 'info'));
    const reply = makeReply({
      command: 'many',
      title: 'many findings',
      findings,
      actions: [{ label: 'again', command: 'many' }],
    });
    const { main, rest } = renderReply(reply);
    expect(blockKitProblems(main)).toEqual([]);
    for (const message of rest) expect(blockKitProblems(message)).toEqual([]);
    const shown = findingIds(main.blocks);
    expect(shown[0]).toBe('test.f120');
    const all = [...shown, ...rest.flatMap((m) => findingIds(m.blocks))];
    expect(all).toHaveLength(130);
    expect(new Set(all).size).toBe(130);
    expect(JSON.stringify(main)).toContain(`… and ${130 - shown.length} more findings, in the thread`);
    expect(rest.length).toBeGreaterThan(1);
  });

  it('says "in the next message" when follow-ups go below (response_url)', () => {
    const reply = makeReply({
      command: 'many',
      title: 't',
      findings: Array.from({ length: 60 }, (_, i) => finding(i)),
    });
    expect(JSON.stringify(renderReply(reply, { continuation: 'below' }).main)).toContain('in the next message');
  });

  it('splits facts into sections of at most 10 fields and keeps long values within 2,000 characters', () => {
    const facts = Array.from({ length: 23 }, (_, i) => ({ label: `L${i}`, value: 'v'.repeat(i === 3 ? 5000 : 10) }));
    const { main } = renderReply(makeReply({ command: 'f', title: 'facts', findings: [], facts }));
    expect(blockKitProblems(main)).toEqual([]);
    const sections = main.blocks.filter((b) => b.type === 'section');
    expect(sections).toHaveLength(3);
  });

  it('truncates long titles, labels and messages to the limits', () => {
    const reply = makeReply({
      command: 'long',
      title: 'T'.repeat(500),
      findings: [{ id: fakeId('long.one'), severity: 'warn', message: '&<>'.repeat(2000) }],
      actions: [{ label: 'B'.repeat(200), command: 'help' }],
    });
    expect(blockKitProblems(renderReply(reply).main)).toEqual([]);
  });
});

describe('renderInterim and renderForCli', () => {
  it('shows the command being checked, escaped', () => {
    const interim = renderInterim('cert <!channel>.contoso.com');
    expect(interim.text).toBe('⏳ checking `cert &lt;!channel&gt;.contoso.com` …');
    expect(blockKitProblems(interim)).toEqual([]);
  });

  it('prints Block Kit Builder JSON, with the follow-ups under thread only when there are any', () => {
    expect(Object.keys(renderForCli(certReply()) as object)).toEqual(['blocks']);
    const big = makeReply({ command: 'many', title: 't', findings: Array.from({ length: 80 }, (_, i) => finding(i)) });
    expect(Object.keys(renderForCli(big) as object)).toEqual(['blocks', 'thread']);
  });
});
