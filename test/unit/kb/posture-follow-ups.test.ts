import { createExplainer } from '../../../src/kb/explain';
import { postureFollowUps } from '../../../src/kb/follow-ups';

/** `explain` suggests `mail <sending domain>` for authentication and TLS rejections, and not for others. */
describe('mail follow-ups from explain', () => {
  const explainer = createExplainer();

  it.each([
    [
      '550 5.7.509 Access denied, sending domain contoso.com does not pass DMARC verification and has a DMARC policy of reject. Sender: jane@contoso.com',
      'mail contoso.com',
    ],
    [
      'Remote server returned 550 5.7.23 The message was rejected because of Sender Policy Framework violation (sender bob@fabrikam.example)',
      'mail fabrikam.example',
    ],
    ['530 5.7.0 Must issue a STARTTLS command first. From: ops@northwind.example', 'mail northwind.example'],
    [
      "550 5.7.515 Access denied, sending domain tailspin.example doesn't meet the required authentication level. From: a@tailspin.example",
      'mail tailspin.example',
    ],
  ])('%s', (text, expected) => {
    expect(explainer.explain(text).followUps).toContain(expected);
  });

  it('does not suggest it for other rejections, or without a domain', () => {
    expect(
      explainer.explain('550 5.1.1 User unknown: nobody@contoso.com').followUps.some((f) => f.startsWith('mail ')),
    ).toBe(false);
    expect(
      explainer
        .explain('550 5.7.26 Unauthenticated email is not accepted')
        .followUps.some((f) => f.startsWith('mail ')),
    ).toBe(false);
    expect(postureFollowUps(new Set(['smtp:5.7.1']), 'relay access denied')).toEqual([]);
    expect(postureFollowUps(new Set(['smtp:5.7.26']), '')).toEqual(['mail {domain}']);
  });
});
