import { buildFindings } from '../../../commands/mail/findings';
import { loadMailTexts, mailTextsSchema } from '../../../commands/mail/texts';
import { MAIL_TEXT_CASES } from './mail-texts-cases';
import { textsFile } from '../../helpers/texts-file';

// The words of `mail` live in commands/mail/texts.yaml. These tests render every case of every finding and hold
// the file to the shape the code reads.

describe('mail texts (commands/mail/texts.yaml)', () => {
  it('load and validate', async () => {
    const texts = await loadMailTexts();
    expect(Object.keys(texts.findings)).toContain('mail.dane.mismatch');
    expect(texts.links.dmarc?.url).toMatch(/^https:\/\//);
  });

  it.each(MAIL_TEXT_CASES.map((issue, i) => [issue.id, i, issue] as const))(
    '%s (case %d) renders every text with every placeholder filled',
    async (id, _i, issue) => {
      const texts = await loadMailTexts();
      const { findings, headline } = buildFindings([issue], 'contoso.test', texts);
      const finding = findings.find((f) => f.id === id || (id === 'mail.mx.unreachable' && f.id === 'net.refused'));
      expect(finding).toBeDefined();
      // SPF macros (%{i}) are the record's own words, not placeholders.
      expect(JSON.stringify([headline, finding]).replace(/%\{/g, '')).not.toMatch(/\{[A-Za-z][A-Za-z0-9]*\}/);
      if (id !== 'mail.spf.macros') expect(finding?.fix?.summary).toBeTruthy();
    },
  );

  it('writes the words of a finding and its fix exactly', async () => {
    const texts = await loadMailTexts();
    const { findings, headline } = buildFindings(
      [{ id: 'mail.dane.rollover', host: 'mx.contoso.test', daysRemaining: 9, publish: null }],
      'contoso.test',
      texts,
    );
    expect(headline).toBe('TLSA rollover for mx.contoso.test');
    expect(findings[0]).toEqual({
      id: 'mail.dane.rollover',
      severity: 'warn',
      message:
        'The certificate of mx.contoso.test expires in 9 days and its TLSA records pin only the current key: when the renewed certificate goes live with a new key, DANE senders will defer mail.',
      fix: {
        summary:
          "Publish the next key's TLSA record now, beside the current one, and switch certificates after two TTLs.",
        steps: [
          'Reuse the key at renewal (the `3 1 1` record keeps matching), or',
          'publish `_25._tcp.mx.contoso.test. IN TLSA 3 1 1 <SHA-256 of the next public key>` before the switch.',
          "Check again with `mail contoso.test` once the change is live (mind the old record's TTL).",
        ],
        links: [
          {
            title: 'RFC 7671 §8.1: TLSA publishing and key rollover',
            url: 'https://www.rfc-editor.org/rfc/rfc7671#section-8.1',
          },
        ],
      },
      data: { host: 'mx.contoso.test' },
    });
  });

  it('writes per-item steps, lists and the title from the file', async () => {
    const texts = await loadMailTexts();
    const { findings, headline } = buildFindings(
      [
        { id: 'mail.dmarc.external-rua-unauthorized', domains: ['a.test', 'b.test'] },
        { id: 'mail.mta-sts.mx-not-covered', hosts: ['mx1.contoso.test'], patterns: [] },
      ],
      'contoso.test',
      texts,
    );
    expect(headline).toBe('MTA-STS policy does not cover mx1.contoso.test (+1 more)');
    expect(findings[0]?.message).toBe(
      'The MTA-STS policy lists no mx, which does not cover the MX host(s) mx1.contoso.test. Enforcing senders refuse to deliver there.',
    );
    expect(findings[0]?.fix?.steps?.[0]).toBe('`mx: mx1.contoso.test`');
    expect(findings[1]?.fix?.steps).toEqual([
      '`contoso.test._report._dmarc.a.test. IN TXT "v=DMARC1"`',
      '`contoso.test._report._dmarc.b.test. IN TXT "v=DMARC1"`',
    ]);
    expect(Object.keys(findings[1]?.fix ?? {})).toEqual(['summary', 'steps', 'links']);
  });

  it('says OK from the file too', async () => {
    const texts = await loadMailTexts();
    const { findings, headline } = buildFindings([{ id: 'mail.mta-sts.missing' }], 'contoso.test', texts);
    expect(headline).toBe('mail posture OK');
    expect(findings[0]).toEqual({
      id: 'mail.ok',
      severity: 'ok',
      message: 'No problems found in the mail posture of contoso.test.',
    });
  });

  describe('the file is held to the shape the code reads', () => {
    const { source, edited, firstIssue } = textsFile('mail', mailTextsSchema);

    it('as written', () => expect(firstIssue(source())).toBe('valid'));

    it('refuses a missing case, an unknown field, a link that is not defined, a finding id without texts', () => {
      expect(firstIssue(edited(['findings', 'mail.dane.rollover', 'fix', 'noPublish']))).toMatch(
        /^findings\.mail\.dane\.rollover\.fix\.noPublish: /,
      );
      expect(firstIssue(edited(['findings', 'mail.spf.permissive', 'parts', 'effect', 'softfail'], 'x'))).toMatch(
        /^findings\.mail\.spf\.permissive\.parts\.effect: .*softfail/,
      );
      expect(firstIssue(edited(['findings', 'mail.dmarc.none', 'fix', 'links'], ['dmarc', 'nowhere']))).toBe(
        'findings.mail.dmarc.none.fix.links.1: no link named nowhere in links',
      );
      expect(firstIssue(edited(['findings', 'mail.dkim.missing']))).toMatch(/^findings\.mail\.dkim\.missing: /);
    });
  });
});
