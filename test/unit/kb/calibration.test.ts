import {
  bandOf,
  calibrate,
  preferSpecific,
  settleNeighbours,
  WHOLE_PHRASE,
  type Contrast,
} from '../../../src/kb/calibrate';
import { hasDomainMarker } from '../../../src/kb/context';
import { smtpDirection } from '../../../src/kb/direction';
import { createExplainer } from '../../../src/kb/explain';
import type { Match, Signal } from '../../../src/kb/matcher';
import type { KbEntry } from '../../../src/kb/schema';
import { prepareText } from '../../../src/kb/text';

/**
 * The calibration principles (src/kb/calibrate.ts, direction.ts), first on made-up candidates — each test fails
 * without its principle — then on pastes written for this suite, unlike the fixtures they were calibrated on.
 */

function entry(
  id: string,
  generic = false,
  phrases: Array<{ text: string; weight: number }> = [],
  consequence = false,
): KbEntry {
  return { id, generic, consequence, signatures: { phrases } } as unknown as KbEntry;
}

function match(
  id: string,
  score: number,
  opts: { phrase?: boolean; specificCodes?: string[]; generic?: boolean; consequence?: boolean } = {},
): Match {
  const signals: Signal[] = [];
  if (opts.phrase) signals.push({ kind: 'phrase', detail: `${id} phrase`, score: 1 });
  for (const code of opts.specificCodes ?? []) signals.push({ kind: 'code', detail: code, score: 0.9 });
  if (!opts.phrase && !opts.specificCodes?.length) signals.push({ kind: 'code', detail: 'http:401', score: 0.9 });
  return {
    entry: entry(id, opts.generic, [], opts.consequence),
    score,
    confidence: Math.round((1 - Math.exp(-1.5 * score)) * 100) / 100,
    signals,
    specificCodes: opts.specificCodes ?? [],
    evidence: [],
    codes: opts.specificCodes ?? [],
  };
}

/** A contrast table: evidence[a][b] = discriminating words of a against b. */
function contrastOf(table: Record<string, Record<string, number>>): Contrast {
  return (a, b) => ({ words: table[a.entry.id]?.[b.entry.id] ?? 0, marks: 0 });
}

const none = contrastOf({});

describe('principle 1: specific evidence before generic', () => {
  it('puts the entry explaining a specific code first when the top rests on class codes only', () => {
    const ranked = [
      match('generic-401', 2.7),
      match('aadsts-700027', 1.5, { phrase: true, specificCodes: ['aadsts:700027'] }),
    ];
    expect(preferSpecific(ranked).map((m) => m.entry.id)).toEqual(['aadsts-700027', 'generic-401']);
  });

  it('leaves a top with a phrase of its own in place (the neighbour step weighs it)', () => {
    const ranked = [
      match('phrase-top', 2.7, { phrase: true }),
      match('coded', 1.5, { phrase: true, specificCodes: ['jet:-1018'] }),
    ];
    expect(preferSpecific(ranked).map((m) => m.entry.id)).toEqual(['phrase-top', 'coded']);
  });

  it('makes a catch-all yield to a close specific entry with evidence the catch-all cannot explain', () => {
    const ranked = [match('http-401', 2.7, { phrase: true, generic: true }), match('specific', 2.6, { phrase: true })];
    const contrast = contrastOf({ specific: { 'http-401': 6 } });
    expect(preferSpecific(ranked, contrast).map((m) => m.entry.id)).toEqual(['specific', 'http-401']);
    // Without evidence of its own (it only shares the catch-all's words) it does not.
    expect(preferSpecific(ranked, none).map((m) => m.entry.id)).toEqual(['http-401', 'specific']);
    // Far below the catch-all it still goes first (principle 1b below), unless it only shares the catch-all's words.
    const far = [match('http-401', 2.7, { phrase: true, generic: true }), match('specific', 1.2, { phrase: true })];
    expect(preferSpecific(far, contrast).map((m) => m.entry.id)).toEqual(['specific', 'http-401']);
    expect(preferSpecific(far, none).map((m) => m.entry.id)).toEqual(['http-401', 'specific']);
  });
});

describe('principle 1c: a consequence gives way to the cause quoted beside it', () => {
  const ranked = (causeScore: number): Match[] => [
    match('message-expired', 3.2, { phrase: true, consequence: true }),
    match('connect-refused', causeScore, { phrase: true }),
  ];
  const contrast = contrastOf({ 'connect-refused': { 'message-expired': 5 } });

  it('puts a confident cause with words of its own first, however far behind', () => {
    expect(preferSpecific(ranked(1.0), contrast).map((m) => m.entry.id)).toEqual([
      'connect-refused',
      'message-expired',
    ]);
    // And the neighbour step does not undo it or call the two ambiguous.
    const settled = settleNeighbours(ranked(3.0).reverse(), none);
    expect(settled.ranked.map((m) => m.entry.id)).toEqual(['connect-refused', 'message-expired']);
    expect(settled.ambiguous).toBe(false);
  });

  it('keeps the consequence first when the cause is a guess or only shares its words', () => {
    expect(preferSpecific(ranked(0.4), contrast).map((m) => m.entry.id)).toEqual([
      'message-expired',
      'connect-refused',
    ]);
    expect(preferSpecific(ranked(1.0), none).map((m) => m.entry.id)).toEqual(['message-expired', 'connect-refused']);
    // A status code alone (`dsn=4.4.1, status=expired`) says which kind of failure, not the failure itself.
    const coded = [
      match('message-expired', 3.2, { phrase: true, consequence: true }),
      match('connect-refused', 1.0, { specificCodes: ['smtp:4.4.1'] }),
    ];
    expect(preferSpecific(coded, contrast).map((m) => m.entry.id)).toEqual(['message-expired', 'connect-refused']);
  });

  it("does not take the consequence's own words, quoted by another entry, as its cause", () => {
    const quoted = (detail: string): Match[] => {
      const symptom = match('server-down', 3.0, { consequence: true });
      symptom.signals = [
        { kind: 'phrase', detail: "ldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)", score: 1.5 },
      ];
      const rival = match('tls-trust', 1.6);
      rival.signals = [{ kind: 'phrase', detail, score: 1.5 }];
      return [symptom, rival];
    };
    const own = contrastOf({ 'tls-trust': { 'server-down': 4 } });
    expect(preferSpecific(quoted("ldap_sasl_bind(SIMPLE): Can't contact LDAP server"), own)[0]?.entry.id).toBe(
      'server-down',
    );
    expect(preferSpecific(quoted('TLS: peer cert untrusted or revoked'), own)[0]?.entry.id).toBe('tls-trust');
  });

  it('takes a code that names one error (ESE, Windows, Kerberos) as the cause quoted', () => {
    const mount = [
      match('mount-failed', 3.2, { phrase: true, consequence: true }),
      match('disk-io', 1.0, { specificCodes: ['jet:-1022'] }),
    ];
    const own = contrastOf({ 'disk-io': { 'mount-failed': 4 } });
    expect(preferSpecific(mount, own).map((m) => m.entry.id)).toEqual(['disk-io', 'mount-failed']);
  });
});

describe('principle 1b: a catch-all explaining nothing of its own gives way to a specific entry further behind', () => {
  const marksOf =
    (table: Record<string, Record<string, { words: number; marks: number }>>): Contrast =>
    (a, b) =>
      table[a.entry.id]?.[b.entry.id] ?? { words: 0, marks: 0 };

  it('puts a specific entry with a phrase and words of its own first, however far behind', () => {
    const ranked = [
      match('http-401', 2.5, { phrase: true, generic: true }),
      match('hybrid-oauth', 1.0, { phrase: true }),
    ];
    const contrast = marksOf({ 'hybrid-oauth': { 'http-401': { words: 12, marks: 0 } } });
    expect(preferSpecific(ranked, contrast).map((m) => m.entry.id)).toEqual(['hybrid-oauth', 'http-401']);
  });

  it('leaves the catch-all first when it explains a specific code the other cannot', () => {
    const ranked = [
      match('access-denied', 1.6, { phrase: true, generic: true }),
      match('oab-download', 0.9, { phrase: true }),
    ];
    const contrast = marksOf({
      'oab-download': { 'access-denied': { words: 11, marks: 0 } },
      'access-denied': { 'oab-download': { words: 5, marks: 2 } },
    });
    expect(preferSpecific(ranked, contrast).map((m) => m.entry.id)).toEqual(['access-denied', 'oab-download']);
  });

  it('leaves the catch-all first when the specific entry only shares its words', () => {
    const ranked = [match('http-401', 2.5, { phrase: true, generic: true }), match('other', 1.0, { phrase: true })];
    expect(preferSpecific(ranked, none).map((m) => m.entry.id)).toEqual(['http-401', 'other']);
  });
});

describe('principle 2b: a top with nothing of its own against a confident runner-up is a guess', () => {
  it('is ambiguous when only the runner-up, further behind than a neighbour, has words of its own', () => {
    const ranked = [match('server-down', 3.4, { phrase: true }), match('tls-name', 1.6, { phrase: true })];
    const settled = settleNeighbours(ranked, contrastOf({ 'tls-name': { 'server-down': 5 } }));
    expect(settled.ambiguous).toBe(true);
    expect(settled.ranked.map((m) => m.entry.id)).toEqual(['server-down', 'tls-name']);
  });

  it('keeps the diagnosis when the top explains anything the runner-up cannot, or the runner-up is weak', () => {
    const ranked = [match('server-down', 3.4, { phrase: true }), match('tls-name', 1.6, { phrase: true })];
    const both = contrastOf({ 'tls-name': { 'server-down': 5 }, 'server-down': { 'tls-name': 1 } });
    expect(settleNeighbours(ranked, both).ambiguous).toBe(false);
    const weak = [match('server-down', 3.4, { phrase: true }), match('tls-name', 0.5, { phrase: true })];
    expect(settleNeighbours(weak, contrastOf({ 'tls-name': { 'server-down': 5 } })).ambiguous).toBe(false);
  });
});

describe('principle 2: neighbours are told apart by what differs', () => {
  it('puts the neighbour with discriminating evidence first when the top has none', () => {
    const ranked = [match('contact-kdc', 2.0, { phrase: true }), match('find-kdc', 1.9, { phrase: true })];
    const settled = settleNeighbours(ranked, contrastOf({ 'find-kdc': { 'contact-kdc': 5 } }));
    expect(settled.ranked.map((m) => m.entry.id)).toEqual(['find-kdc', 'contact-kdc']);
    expect(settled.ambiguous).toBe(false);
  });

  it('answers "possibly related" with both when neither has discriminating evidence', () => {
    const ranked = [match('dovecot', 2.0, { phrase: true }), match('cyrus', 1.9, { phrase: true })];
    const result = calibrate(ranked, none);
    expect(result.band).toBe('possibly-related');
    expect(result.ranked.map((m) => m.entry.id)).toEqual(['dovecot', 'cyrus']);
    expect(result.notes.join(' ')).toMatch(/do(es)? not tell apart/);
  });

  it('keeps a clear lead, and a top with evidence of its own, as the diagnosis', () => {
    const lead = [match('a', 2.0, { phrase: true }), match('b', 1.7, { phrase: true })];
    expect(calibrate(lead, none).band).toBe('diagnosis');
    const evidenced = [match('a', 2.0, { phrase: true }), match('b', 1.95, { phrase: true })];
    expect(calibrate(evidenced, contrastOf({ a: { b: 4 } })).band).toBe('diagnosis');
  });
});

describe("principle 3: the error's own words are a phrase present nearly whole", () => {
  const phrase = { text: 'Password has expired while getting initial credentials', weight: 1.8 };
  const withPhrase = (coverage: number): Match => ({
    entry: entry('kerberos.key-expired', false, [phrase]),
    score: 2.5,
    confidence: 0.98,
    signals: [{ kind: 'phrase', detail: phrase.text, score: phrase.weight * coverage }],
    specificCodes: [],
    evidence: [],
    codes: [],
  });

  it('diagnoses on a phrase the text holds whole or nearly whole', () => {
    expect(bandOf([withPhrase(1)])).toBe('diagnosis');
    expect(bandOf([withPhrase(WHOLE_PHRASE)])).toBe('diagnosis');
  });

  it("offers a phrase's common tail alone as possibly related (kinit's 'Cannot find KDC … while getting initial credentials')", () => {
    expect(bandOf([withPhrase(0.7)])).toBe('possibly-related');
  });

  it('still diagnoses a partial phrase backed by a specific code', () => {
    const m = withPhrase(0.7);
    m.signals.push({ kind: 'code', detail: 'kdc:0x17', score: 1 });
    expect(bandOf([m])).toBe('diagnosis');
  });
});

describe('principle 3: the SMTP direction', () => {
  it.each([
    [
      'Nov 20 09:13:44 mx postfix/smtpd[7777]: NOQUEUE: reject: RCPT from unknown[203.0.113.45]: 554 5.7.1 Service unavailable',
      'inbound',
    ],
    [
      '2025-11-20 10:02:11 H=(pc-44) [203.0.113.45] F=<a@b.example> rejected RCPT <x@contoso.com>: JunkMail rejected',
      'inbound',
    ],
    [
      'sendmail[2231]: wB19001: ruleset=check_rcpt, arg1=<x@y.example>, relay=[192.0.2.1], reject=550 5.7.1 Relaying denied',
      'inbound',
    ],
    [
      'postfix/smtp[7777]: 4A1B2C: to=<x@fabrikam.com>, status=bounced (host mx.fabrikam.com[198.51.100.20] said: 554 5.7.1 blocked (in reply to RCPT TO command))',
      'outbound',
    ],
    ["Remote Server returned '550 5.7.1 Your IP 192.0.2.10 is listed on bl.spamcop.net'", 'outbound'],
    ['SMTP error from remote mail server after RCPT TO:<bob@fabrikam.com>: 550 5.7.1 Mail refused', 'outbound'],
    ['554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org', undefined],
  ])('%s → %s', (text, direction) => {
    expect(smtpDirection(text)).toBe(direction);
  });

  it('reads a log holding both sides as neither', () => {
    expect(
      smtpDirection('reject: RCPT from x[192.0.2.1]: 554 blocked\nhost mx.example.net[198.51.100.2] said: 550 no'),
    ).toBeUndefined();
  });
});

describe('URL paths and named hosts are evidence', () => {
  it('keeps the path of a URL as hidden words, outside the sequence of tokens', () => {
    const prepared = prepareText(
      'Outlook failed: https://mail.contoso.com/mapi/emsmdb/?MailboxId=0f3a@contoso.com returned 401',
    );
    expect(prepared.hidden).toEqual(['', 'mapi', 'emsmdb']);
    expect(prepared.tokens).toContain('xurl');
    expect(prepared.tokens).not.toContain('emsmdb');
  });

  it('names a block list and Microsoft 365 by their hosts', () => {
    expect(prepareText('550 5.7.1 listed on bl.spamcop.net').hidden).toEqual(['', 'spamcop']);
    expect(
      prepareText('[outlook.office365.com] Connecting to remote server outlook.office365.com failed').hidden,
    ).toContain('office365');
    expect(prepareText('connect to mx.contoso.com failed').hidden).toEqual([]);
  });

  it('keeps a server-shaped code (ATTR35, SC-001) as hidden words while the sequence reads a server name', () => {
    const prepared = prepareText('550 5.4.1 Relay Access Denied ATTR35 from EX01, Outlook.com said SC-001');
    expect(prepared.hidden).toEqual(['', 'attr35', '', 'ex01', '', 'sc', '001']);
    expect(prepared.tokens).not.toContain('attr35');
  });

  it("keeps a DN's names (a certificate issuer, a container) as hidden words, not its domain components", () => {
    const issuer = prepareText('depth=2 i:O=Digital Signature Trust Co., CN=DST Root CA X3');
    expect(issuer.tokens).toContain('xdn');
    expect(issuer.hidden).toEqual(['', 'digital', 'signature', 'trust', 'co', '', 'dst', 'root', 'ca', 'x3']);
    expect(prepareText('CN=Doe\\, Jane,OU=Domain Controllers,DC=contoso,DC=local').hidden).toEqual([
      '',
      'doe',
      'jane',
      '',
      'domain',
      'controllers',
    ]);
  });

  it('names the expired DST Root CA X3 when the issuer is written without spaces (s_client -showcerts)', () => {
    const reply = createExplainer().explain(
      "curl: (60) Peer's Certificate has expired.\n 1 s:C=US, O=Let's Encrypt, CN=R3\n   i:O=Digital Signature Trust Co., CN=DST Root CA X3",
    );
    expect(reply.matches[0]?.entry.id).toBe('tls.dst-root-ca-x3-expired');
  });
});

/** Pastes written for this suite: none of them is in test/fixtures/kb. */
describe('the principles on the built-in knowledge base', () => {
  const explainer = createExplainer();
  const top = (text: string): string | undefined => explainer.explain(text).matches[0]?.entry.id;

  it.each([
    [
      'Connect-ExchangeOnline : AADSTS700027: Client assertion failed signature validation. The remote server returned an error: (401) Unauthorized.',
      'aad.certificate-not-registered-700027',
    ],
    [
      'Invoke-RestMethod : The remote server returned an error: (401) Unauthorized. {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}',
      'aad.invalid-secret-7000215',
    ],
    [
      'HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer error="invalid_token"\nAADSTS50126: Error validating credentials due to invalid username or password.',
      'aad.invalid-password-50126',
    ],
  ])('a specific AADSTS code beats the generic 401 entry: %s', (text, id) => {
    const result = explainer.explain(text);
    expect(result.matches[0]?.entry.id).toBe(id);
    expect(result.matches.map((m) => m.entry.id)).not.toContain('http.unauthorized-401');
  });

  it("names the queue's last error, not only the expiry, when an NDR quotes both", () => {
    const result = explainer.explain(
      [
        'Delivery has failed to these recipients or groups:',
        "Remote Server returned '550 4.4.7 QUEUE.Expired; message expired'",
        'Last queue error: 451 5.7.3 STARTTLS is required to send mail [mx1.northwind.example]',
      ].join('\n'),
    );
    // The STARTTLS refusal first (Exchange's own entry for it, or the SMTP one), the expiry beside it.
    expect(result.matches[0]?.entry.id).toMatch(/starttls/);
    expect(result.matches.map((m) => m.entry.id)).toContain('smtp.message-expired');
    expect(top("Remote Server returned '550 4.4.7 QUEUE.Expired; message expired'")).toBe('smtp.message-expired');
  });

  it('offers a bare 401 as possibly related: a status is not its cause (principle 8)', () => {
    const result = explainer.explain('Invoke-WebRequest : The remote server returned an error: (401) Unauthorized.');
    expect(result.band).toBe('possibly-related');
    expect(result.related[0]?.entry.id).toBe('http.unauthorized-401');
    expect(result.notes).toContain('http.unauthorized-401 names a status, not its cause');
    // A catch-all that names a cause (nothing listens on the port) is still the diagnosis.
    expect(
      top(
        'System.Net.Sockets.SocketException (10061): No connection could be made because the target machine actively refused it. 10.0.0.25:25',
      ),
    ).toBe('net.connection-refused');
  });

  it('leaves an entry out when asked, for leave-one-out studies', () => {
    const text = "Remote Server returned '554 5.3.4 Content conversion limit(s) exceeded'";
    expect(top(text)).toBe('exchange.content-conversion-limits-exceeded');
    const without = createExplainer(undefined, {
      leaveOut: (id) => id === 'exchange.content-conversion-limits-exceeded',
    });
    const ids = [...without.explain(text).matches, ...without.explain(text).related].map((m) => m.entry.id);
    expect(ids).not.toContain('exchange.content-conversion-limits-exceeded');
  });

  it('offers a catch-all as possibly related when the text says more than its status (principle 9)', () => {
    // Nothing but the status: the catch-all answers the question.
    expect(top('The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)')).toBe('rpc.server-unavailable');
    // The status inside a story no specific entry knows: the catch-all is only a lead.
    const story = explainer.explain(
      'ADMT: 2026-12-03 11:02:44 ERR2:7422 Unable to establish a session with the password export server. The RPC server is unavailable. rc=1722',
    );
    expect(story.band).toBe('possibly-related');
    expect(story.related[0]?.entry.id).toBe('rpc.server-unavailable');
    expect(story.notes).toContain(
      'rpc.server-unavailable is a catch-all and no specific entry explains the rest of the text',
    );
  });

  it('puts the cause a code names before the consequence it quotes (principle 1c)', () => {
    const mount =
      "Failed to mount database 'DB3'. Error: An Active Manager operation failed. Error: The database action failed. Error: Operation failed with message: MapiExceptionCallFailed: Unable to mount database. (hr=0x80004005, ec=-1022)";
    const result = explainer.explain(mount);
    expect(result.band).toBe('diagnosis');
    expect(result.matches[0]?.entry.id).toBe('exchange.jet-disk-io-1022');
    // The mount failure alone is still the mount failure.
    expect(top(mount.replace('MapiExceptionCallFailed', 'MapiExceptionDatabaseError').replace('-1022', '1108'))).toBe(
      'exchange.mount-database-failed',
    );
  });

  it('tells our server refusing a block-listed client from a remote server refusing us', () => {
    const ours = explainer.explain(
      'Dec  3 07:11:52 mx2 postfix/smtpd[9911]: NOQUEUE: reject: RCPT from unknown[198.51.100.201]: 554 5.7.1 Service unavailable; Client host [198.51.100.201] blocked using bl.spamcop.net; from=<x@y.example> to=<sales@contoso.com> proto=ESMTP helo=<a>',
    );
    expect(ours.direction).toBe('inbound');
    expect(ours.matches[0]?.entry.id).toBe('postfix.dnsbl-rejected-client');
    expect([...ours.matches, ...ours.related].map((m) => m.entry.id)).not.toContain('smtp.rbl-blocked');
    expect(ours.followUps.filter((f) => f.startsWith('relay'))).toEqual([]);

    const theirs = explainer.explain(
      'Dec  3 07:11:52 web4 postfix/smtp[1203]: 9F8E7D: to=<bob@fabrikam.com>, relay=mx1.fabrikam.com[203.0.113.80]:25, status=bounced (host mx1.fabrikam.com[203.0.113.80] said: 550 5.7.1 Service unavailable; Client host [192.0.2.44] blocked using zen.spamhaus.org (in reply to RCPT TO command))',
    );
    expect(theirs.direction).toBe('outbound');
    expect(theirs.matches[0]?.entry.id).toBe('smtp.rbl-blocked');
    expect(theirs.followUps.filter((f) => f.startsWith('relay'))).toEqual([]);
  });

  it('tells near-neighbour errors apart by the words that differ', () => {
    expect(top('kinit: Cannot find KDC for realm "AD.FABRIKAM.NET" while getting initial credentials')).toBe(
      'linux.kinit-cannot-find-kdc',
    );
    expect(top("kinit: Cannot contact any KDC for realm 'AD.FABRIKAM.NET' while getting initial credentials")).toBe(
      'linux.kinit-cannot-contact-kdc',
    );
    expect(
      top(
        'mail2 postfix/smtpd[301]: warning: xsasl_cyrus_server_get_mechanism_list: no mechanism available\nmail2 postfix/smtpd[301]: fatal: no SASL authentication mechanisms',
      ),
    ).toBe('postfix.smtpd-cyrus-sasl-no-mechanisms');
    expect(
      top(
        'mail2 postfix/smtpd[301]: warning: SASL: Connect to private/auth failed: Permission denied\nmail2 postfix/smtpd[301]: fatal: no SASL authentication mechanisms',
      ),
    ).toBe('postfix.dovecot-sasl-socket');
    expect(
      top(
        'New-PSSession : [outlook.office365.com] Connecting to remote server outlook.office365.com failed with the following error message : Access is denied. For more information, see the about_Remote_Troubleshooting Help topic.',
      ),
    ).toBe('exo.remote-powershell-retired');
    expect(
      top(
        'New-PSSession : [mbx01.fabrikam.net] Connecting to remote server mbx01.fabrikam.net failed with the following error message : Access is denied. For more information, see the about_Remote_Troubleshooting Help topic.',
      ),
    ).toBe('winrm.access-denied');
  });

  it('gives a Sendmail refusal of 5.1.8 the Sendmail entry and an Exchange Online 5.1.8 NDR the EXO one', () => {
    expect(
      top(
        'Dec  4 11:20:09 gw sendmail[881]: 4B4BK9x0: ruleset=check_mail, arg1=<noreply@billing.internal>, relay=app7 [10.9.8.7], reject=553 5.1.8 <noreply@billing.internal>... Domain of sender address noreply@billing.internal does not exist',
      ),
    ).toBe('sendmail.sender-domain-unresolvable');
    expect(top("Remote Server returned '550 5.1.8 Access denied, bad outbound sender. AS(42004)'")).toBe(
      'exo.restricted-sender',
    );
  });

  describe('principle 4: a diagnosis needs the text to name its world', () => {
    it.each([
      [
        'a package registry refusing a pull',
        'pull failed: registry.example.org/team/app:latest — access is denied for this repository',
      ],
      [
        'a REST API answering 401',
        'HTTP/1.1 401 Unauthorized\nSet-Cookie: sid=abc\n{"error": "token expired, log in again"}',
      ],
      ['a database with too many clients', 'db-report: FATAL:  too many connections for role "etl_writer"'],
    ])('offers at most a guess for %s', (_label, text) => {
      const result = explainer.explain(text);
      expect(result.band).not.toBe('diagnosis');
    });

    it('still diagnoses the same words when the text is about mail or Windows', () => {
      expect(
        top(
          'Invoke-WebRequest -Uri https://intranet.example.org/api : The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.',
        ),
      ).toBe('tls.trust-relationship');
      expect(
        top('Submitting to smtp.example.org:587 failed: 421 4.3.2 too many connections from your IP, slow down'),
      ).toBe('smtp.too-many-connections');
    });
  });

  describe('principle 5: product names are evidence', () => {
    it("does not diagnose curl's TLS words in a Postfix log that names a close Postfix entry", () => {
      const result = explainer.explain(
        'mx3 postfix/smtpd[2210]: warning: TLS library problem: error:0A000126:SSL routines::unexpected eof while reading\nmx3 postfix/smtpd[2210]: lost connection after STARTTLS from unknown[203.0.113.77]',
      );
      expect(result.band).toBe('possibly-related');
      expect(result.related.map((m) => m.entry.id)).toContain('postfix.inbound-tls-handshake-failed');
    });

    it('still diagnoses the same words from git, a product of the entry', () => {
      expect(
        top(
          'git clone https://git.example.net/team/app.git\nfatal: unable to access: OpenSSL/3.0.2: error:0A000126:SSL routines::unexpected eof while reading',
        ),
      ).toBe('curl.ssl-error-syscall');
    });
  });

  describe('principle 6: a code the title names is a claim about the text', () => {
    it('does not diagnose a title naming HTTP 401 for a text that answered another status', () => {
      const oauth = (status: string): string =>
        `Test-OAuthConnectivity -Service EWS -TargetUri https://hybrid.fabrikam.example/metadata/json/1 -Mailbox c.user\nThe remote server returned an error: ${status}.`;
      const other = explainer.explain(oauth('(503) Server Unavailable'));
      expect(other.band).toBe('possibly-related');
      expect(other.notes).toContain('exchange.oauth-401-hybrid names 401; the text answers http:503');
      expect(top(oauth('(401) Unauthorized'))).toBe('exchange.oauth-401-hybrid');
    });

    const ntlm = (code: string): string =>
      `The computer attempted to validate the credentials for an account.\nAuthentication Package: MICROSOFT_AUTHENTICATION_PACKAGE_V1_0\nLogon Account: j.berg\nSource Workstation: LAB-PC7\nError Code: ${code}`;

    it('does not diagnose with a title naming other codes than the one the text holds', () => {
      const result = explainer.explain(ntlm('0xC0000072'));
      expect(result.band).toBe('possibly-related');
      expect(result.notes.join(' ')).toMatch(/0xc0000072/);
    });

    it('still diagnoses the code the title names', () => {
      expect(top(ntlm('0xC000006A'))).toBe('ad.ntlm-validation-4776');
    });
  });

  describe('principle 6 for Kerberos failure codes (0x18)', () => {
    const preauth = (): Match => ({
      entry: {
        id: 'kerberos.preauth-failed',
        generic: false,
        title: 'Kerberos pre-authentication failed (wrong password, event 4771 code 0x18)',
        products: ['Active Directory'],
        signatures: { phrases: [], codes: [] },
      } as unknown as KbEntry,
      score: 2.5,
      confidence: 0.98,
      signals: [{ kind: 'code', detail: 'kdc:0x18', score: 1 }],
      specificCodes: [],
      evidence: [],
      codes: [],
    });
    const text = (code: string): { text: string; lower: string } => {
      const t = `Event 4771 Kerberos pre-authentication failed. Account Name: jdoe Failure Code: ${code} Client Port: 51234 Process ID: 0x1f4`;
      return { text: t, lower: t.toLowerCase() };
    };

    it('does not diagnose a title naming 0x18 when the text holds another failure code', () => {
      expect(calibrate([preauth()], none, text('0x1B')).band).toBe('possibly-related');
    });

    it('still diagnoses the code the title names, and ignores hex of another shape (a process id)', () => {
      expect(calibrate([preauth()], none, text('0x18')).band).toBe('diagnosis');
      const noCode = 'Event 4771 Kerberos pre-authentication failed for jdoe. Process ID: 0x1f4';
      expect(calibrate([preauth()], none, { text: noCode, lower: noCode.toLowerCase() }).band).toBe('diagnosis');
    });
  });

  describe('principle 7: a local service the text names is a cause the top must explain', () => {
    const deferred = (peer: string): string =>
      'Jun 2 10:00:01 relay1 postfix/qmgr[880]: 5B6C7D8E9F: from=<app@relay1.example.com>, size=1200, nrcpt=1 (queue active)\n' +
      `Jun 2 10:00:01 relay1 postfix/smtp[3301]: 5B6C7D8E9F: to=<it@example.com>, relay=none, delay=300, dsn=4.4.1, status=deferred (connect to ${peer}: Connection refused)`;

    it('does not read a refused loopback port as an unreachable next hop', () => {
      const result = explainer.explain(deferred('127.0.0.1[127.0.0.1]:7777'));
      expect(result.band).toBe('possibly-related');
      expect(result.notes.join(' ')).toMatch(/local service on port 7777/);
    });

    it('still diagnoses the same refusal from a remote MX', () => {
      const result = explainer.explain(deferred('mx1.example.com[203.0.113.5]:25'));
      expect(result.band).toBe('diagnosis');
      expect(result.matches[0]?.entry.id).toBe('smtp.remote-connect-failed');
    });
  });

  describe('principle 3: a strong pattern is evidence like a specific code', () => {
    it('diagnoses the content filter on its loopback port, which no phrase can quote (addresses are placeholders)', () => {
      const result = explainer.explain(
        'postfix/smtp[410]: 0C1D2E3F4A: to=<a@example.org>, relay=none, dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:10024: Connection refused)',
      );
      expect(result.band).toBe('diagnosis');
      expect(result.matches[0]?.entry.id).toBe('postfix.content-filter-down');
    });

    it('does not let the weak keyword match of the same entry carry a diagnosis', () => {
      const result = explainer.explain('amavis deferred: connection refused');
      expect(result.band).not.toBe('diagnosis');
    });
  });
});

describe("principle 4: the text names the top's world", () => {
  it("reads Exchange's event sources and its cmdlets as Exchange's world", () => {
    expect(hasDomainMarker('Source: MSExchangeRepl  Event 4113: Database redundancy health check failed.')).toBe(true);
    expect(
      hasDomainMarker("Move-ActiveMailboxDatabase : An Active Manager operation failed. ContentIndexState 'Failed'."),
    ).toBe(true);
    expect(hasDomainMarker('docker: Error response from daemon: pull access denied for myimage')).toBe(false);
  });

  it('reads an enhanced status code as mail, but not a version number', () => {
    expect(hasDomainMarker('550 5.7.1 Unable to relay')).toBe(true);
    expect(hasDomainMarker('INFO Starting invoice-api v2.3.1\nError: connect ECONNREFUSED 10.96.44.15:5432')).toBe(
      false,
    );
  });

  it('reads an eight-digit hex code as a Windows code, but not a memory address', () => {
    expect(hasDomainMarker('Logon failed: 0xC000006A')).toBe(true);
    expect(
      hasDomainMarker(
        "NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f3a1c2d>: Failed to establish a new connection: [Errno 111] Connection refused')",
      ),
    ).toBe(false);
  });

  it('reads mx, cert and mail as this world, but not inside a host, pod or package name', () => {
    expect(hasDomainMarker('queue stuck on mail.contoso.com, the cert was renewed yesterday')).toBe(true);
    expect(hasDomainMarker('the MX points at the old server')).toBe(true);
    expect(
      hasDomainMarker(
        'Warning  Unhealthy  kubelet  Readiness probe failed: Get "http://10.42.1.17:10250/healthz": dial tcp: connect: connection refused  pod/cert-manager-webhook-7d9f',
      ),
    ).toBe(false);
    expect(hasDomainMarker('ssh: connect to host mx-out3 port 22: Connection refused')).toBe(false);
  });
});
