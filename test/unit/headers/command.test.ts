import { createHeadersCommand } from '../../../commands/headers';
import type { Reply } from '../../../src/core/reply';
import { createRouter } from '../../../src/core/router';
import { chatRequest } from '../../helpers/requests';
import { captureLogger } from '../../helpers/logger';
import { fixture } from './fixtures';

const router = createRouter({ commands: [createHeadersCommand()], log: captureLogger() });
const ask = (text: string): Promise<Reply> => router.handle(chatRequest(`headers ${text}`));

describe('headers command', () => {
  it('names the largest delay in the title and gives the contract data', async () => {
    const reply = await ask(fixture('exchange-hybrid-delay.txt'));
    expect(reply.command).toBe('headers');
    expect(reply.title).toMatch(/^held 1 h 52 min at EXCH02 → EOP/);
    expect(reply.findings.map((f) => f.id)).toEqual([
      'headers.delay',
      'headers.auth.spf',
      'headers.auth.dkim',
      'headers.auth.dmarc',
      'headers.auth.compauth',
    ]);
    expect(reply.status).toBe('warn');
    const data = reply.data as {
      hops: Record<string, unknown>[];
      largestDelay: unknown;
      auth: Record<string, unknown>;
      verdicts: unknown[];
    };
    expect(data.hops).toHaveLength(6);
    expect(Object.keys(data.hops[2] ?? {})).toEqual(
      expect.arrayContaining(['from', 'by', 'with', 'tls', 'at', 'delaySeconds']),
    );
    expect(data.hops[2]).toMatchObject({
      from: 'EXCH02.contoso.com',
      by: 'BN8NAM11FT042.mail.protection.outlook.com',
      at: '2026-12-03T11:54:09.000Z',
      delaySeconds: 6726,
    });
    expect(data.largestDelay).toMatchObject({ hop: 2, seconds: 6726 });
    expect(Object.keys(data.auth)).toEqual(expect.arrayContaining(['spf', 'dkim', 'dmarc', 'compauth', 'arc']));
    expect(reply.data).toMatchObject({
      messageId: '<6a1f0c2d9b3e4f5a8c7d@EXCH01.contoso.local>',
      subject: 'Quarterly résumé',
    });
    // The hop table: one fact per hop, route as label.
    expect(reply.facts.slice(0, 6).map((f) => f.label)).toEqual([
      '1. EXCH01 → EXCH01',
      '2. EXCH01 → EXCH02',
      '3. EXCH02 → EOP',
      '4. EOP → BN9PR03CA0123',
      '5. BN9PR03CA0123 → DM6PR11MB4595',
      '6. DM6PR11MB4595 → SA1PR11MB8470',
    ]);
  });

  it('explains a junked message: failed authentication, compauth reason, spam verdicts, allow lists as a last resort', async () => {
    const reply = await ask(fixture('exchange-online-junk.txt'));
    expect(reply.status).toBe('fail');
    expect(reply.title).toMatch(/no notable delay · marked spam · SPF, DKIM, DMARC, compauth failed/);
    const compauth = reply.findings.find((f) => f.id === 'headers.auth.compauth');
    expect(compauth?.message).toMatch(/000: explicit failure/);
    const spam = reply.findings.find((f) => f.id === 'headers.spam');
    expect(spam?.message).toMatch(/SFV:SPM/);
    expect(spam?.message).toMatch(/Junk Email folder/);
    expect(spam?.fix?.steps?.join(' ')).toMatch(/Allow lists are a last resort/);
    // A stranger's domain: no `mail` follow-up, the fix says to ask them.
    expect(reply.actions).toEqual([]);
    expect(reply.findings.find((f) => f.id === 'headers.auth.spf')?.fix?.summary).toMatch(
      /ask fabrikam-billing\.com's mail admins/,
    );
  });

  it('says a permerror is a broken record, not a sender missing from it', async () => {
    const text = [
      'Authentication-Results: mx.contoso.com; spf=permerror (too many DNS lookups) smtp.mailfrom=fabrikam.example',
      'Received: from mail.fabrikam.example (mail.fabrikam.example [192.0.2.7]) by mx.contoso.com with ESMTPS; Sat, 5 Dec 2026 12:00:04 +0000',
    ].join('\n');
    const summary = (await ask(text)).findings.find((f) => f.id === 'headers.auth.spf')?.fix?.summary;
    expect(summary).toMatch(/fabrikam\.example's SPF record is broken/);
    expect(summary).not.toMatch(/not in/);
  });

  it("offers `mail <domain>` when the failing domain is the organisation's own", async () => {
    const own = fixture('exchange-online-junk.txt').replace('To: alex@contoso.com', 'To: alex@fabrikam-billing.com');
    const reply = await ask(own);
    expect(reply.actions).toEqual([
      { label: "Check fabrikam-billing.com's mail setup", command: 'mail fabrikam-billing.com' },
    ]);
    expect(reply.data.ownDomain).toBe(true);
  });

  it("tells the wait before the first server (Date: → first stamp) apart from the hops' delays", async () => {
    const text = [
      'Received: from b.example (b.example [192.0.2.2]) by c.example with ESMTP id 2; Sat, 5 Dec 2026 12:00:09 +0000',
      'Received: from pc.example (pc.example [192.0.2.1]) by b.example with ESMTPSA id 1; Sat, 5 Dec 2026 12:00:04 +0000',
      'Date: Sat, 5 Dec 2026 10:00:00 +0000',
    ].join('\n');
    const reply = await ask(text);
    expect(reply.title).toMatch(/^first stamped 2 h after its Date: \(Outbox or clock\)/);
    expect(reply.data).toMatchObject({ largestDelay: { hop: 1, seconds: 5 }, submissionSeconds: 7204 });
    expect((reply.data.hops as { delaySeconds: number | null }[])[0]?.delaySeconds).toBeNull();
    const delay = reply.findings.find((f) => f.id === 'headers.delay');
    expect(delay).toMatchObject({ severity: 'warn' });
    expect(delay?.fix?.summary).toMatch(/Outbox/);
  });

  it('calls skew skew in a finding, never a negative delay', async () => {
    const text = [
      'Received: from b.example (b.example [192.0.2.2]) by c.example with ESMTP id 2; Sat, 5 Dec 2026 10:00:00 +0000',
      'Received: from a.example (a.example [192.0.2.1]) by b.example with ESMTP id 1; Sat, 5 Dec 2026 10:10:00 +0000',
    ].join('\n');
    const reply = await ask(text);
    const skew = reply.findings.find((f) => f.id === 'headers.skew');
    expect(skew?.message).toMatch(/^Clock skew, not a delay: b → c stamped 10 min earlier/);
    expect(JSON.stringify(reply)).not.toMatch(/-\d+ ?(?:s|min)\b|"delaySeconds":-/);
    expect(reply.facts[1]?.value).toMatch(/skew −10 min/);
  });

  it('answers headers.none with an example for text that is no header block, and for nothing at all', async () => {
    for (const text of ['', 'hello there, why is mail slow?', '550 5.7.1 Unable to relay']) {
      const reply = await ask(text);
      expect(reply.status).toBe('error');
      expect(reply.findings[0]?.id).toBe('headers.none');
      expect(reply.findings[0]?.fix?.summary).toMatch(/headers Received: from/);
    }
  });

  it('answers headers.partial for a cut block with a body, still with the hops it could read', async () => {
    const reply = await ask(
      `${fixture('gmail.txt').split('\n').slice(2).join('\n')}\n\nHello Jordan,\nour December news…`,
    );
    const partial = reply.findings.find((f) => f.id === 'headers.partial');
    expect(partial?.message).toMatch(/middle of a header|before the first header/);
    expect(partial?.message).toMatch(/look like the message body/);
    expect((reply.data.hops as unknown[]).length).toBeGreaterThan(0);
  });

  it('names a mail loop', async () => {
    const lines: string[] = [];
    for (let i = 8; i > 0; i -= 1) {
      const [from, by] =
        i % 2 === 0 ? ['mx.alpha.example', 'mx.beta.example'] : ['mx.beta.example', 'mx.alpha.example'];
      lines.push(
        `Received: from ${from} (${from} [192.0.2.${i}]) by ${by} with ESMTP id ${i}; Sat, 5 Dec 2026 10:0${i}:00 +0000`,
      );
    }
    const reply = await ask(lines.join('\n'));
    expect(reply.findings.find((f) => f.id === 'headers.loop')?.message).toMatch(
      /^Mail loop: mx\.(?:alpha|beta)\.example received this message 4 times in 8 hops\.$/,
    );
    expect(reply.title).toMatch(/mail loop/);
    // Twice at the same host (a content filter handing mail back) is no loop.
    const amavis = await ask(fixture('postfix-spam.txt'));
    expect(amavis.findings.some((f) => f.id === 'headers.loop')).toBe(false);
  });

  it('says a verdict once even when two fields carry it', async () => {
    const reply = await ask(fixture('exchange-online-junk.txt'));
    expect(reply.findings.find((f) => f.id === 'headers.spam')?.message.match(/SCL 5/g)).toHaveLength(1);
  });

  it('keeps the chat table short for 60 hops and says where the rest are', async () => {
    const lines: string[] = [];
    for (let i = 60; i > 0; i -= 1)
      lines.push(
        `Received: from h${i - 1}.example (h${i - 1}.example [192.0.2.${i}]) by h${i}.example with ESMTP id ${i}; Sat, 5 Dec 2026 10:${String(i).padStart(2, '0')}:00 +0000`,
      );
    const reply = await ask(lines.join('\n'));
    const hopFacts = reply.facts.filter((f) => /^\d+\. /.test(f.label));
    expect(hopFacts.length).toBeLessThanOrEqual(12);
    expect(reply.facts.some((f) => /^… \d+ more hops$/.test(f.label))).toBe(true);
    expect(reply.data.hops as unknown[]).toHaveLength(60);
  });
});
