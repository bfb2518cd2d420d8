import { isHeaderBlock } from '../../../src/headers';
import { analyseHeaders } from '../../../src/headers/analyse';
import { fixture, received } from './fixtures';

describe('analyseHeaders on hand-written blocks', () => {
  it('Exchange Server → Exchange Online: the chain from the sender and the 1 h 52 min at EXCH02', () => {
    const a = analyseHeaders(fixture('exchange-hybrid-delay.txt'));
    expect(a.found).toBe(true);
    expect(a.hops).toHaveLength(6);
    expect(a.hops[0]).toMatchObject({ by: 'EXCH01.contoso.local', with: 'mapi' });
    expect(a.hops[5]).toMatchObject({ by: 'SA1PR11MB8470.namprd11.prod.outlook.com', with: 'HTTPS' });
    expect(a.largestDelay).toEqual({ hop: 2, seconds: 6726 });
    expect(a.hops[2]).toMatchObject({
      fromHelo: 'EXCH02.contoso.com',
      by: 'BN8NAM11FT042.mail.protection.outlook.com',
      tls: 'TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    });
    expect(a.auth.spf).toMatchObject({ result: 'pass', domain: 'contoso.com' });
    expect(a.auth.dkim).toMatchObject({ result: 'none' });
    expect(a.auth.dkim?.domain).toBeUndefined();
    expect(a.auth.compauth).toMatchObject({ result: 'pass', reason: '109' });
    expect(a.subject).toBe('Quarterly résumé'); // RFC 2047, ISO-8859-1
    expect(a.problems).toEqual([]);
  });

  it('Exchange Online junk: failed authentication and the spam verdicts', () => {
    const a = analyseHeaders(fixture('exchange-online-junk.txt'));
    expect(a.auth).toMatchObject({
      spf: { result: 'softfail', domain: 'fabrikam-billing.com' },
      dkim: { result: 'fail', domain: 'fabrikam-billing.com' },
      dmarc: { result: 'fail', detail: 'policy quarantine' },
      compauth: { result: 'fail', reason: '000' },
    });
    expect(a.auth.signatures).toEqual([
      { domain: 'fabrikam-billing.com', selector: 'sel2026', algorithm: 'rsa-sha256' },
    ]);
    const fields = a.verdicts.map((v) => `${v.field}=${v.value}:${v.kind}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'X-Forefront-Antispam-Report SFV=SPM:spam',
        'X-Forefront-Antispam-Report CAT=SPOOF:spam',
        'X-Microsoft-Antispam-Mailbox-Delivery dest=J:spam',
        'X-Microsoft-Antispam BCL=0:info',
      ]),
    );
  });

  it('Gmail: the receiving Authentication-Results wins, ARC from the newest seal', () => {
    const a = analyseHeaders(fixture('gmail.txt'));
    expect(a.hops.map((h) => h.by)).toEqual([
      'mail.northwind.example',
      'mx.google.com',
      '2002:a05:7300:5a8c:b0:1a9:e2d1:6a05',
    ]);
    expect(a.largestDelay).toEqual({ hop: 1, seconds: 487 });
    expect(a.auth.dmarc).toMatchObject({ result: 'pass', domain: 'northwind.example', detail: 'policy reject' });
    expect(a.auth.dkim).toMatchObject({ result: 'pass', detail: 'selector s1' });
    expect(a.auth.arc).toMatchObject({ result: 'none', detail: 'instance 1' });
  });

  it('Postfix with amavis, SpamAssassin and postgrey: the greylisting delay and the spam score', () => {
    const a = analyseHeaders(fixture('postfix-spam.txt'));
    expect(a.largestDelay).toEqual({ hop: 1, seconds: 303 });
    expect(a.auth.spf).toMatchObject({ result: 'softfail', source: 'Received-SPF', domain: 'promo.example.net' });
    expect(a.auth.dkim).toMatchObject({ result: 'fail', reason: 'signature verification failed' });
    expect(a.verdicts.find((v) => v.field === 'X-Spam-Status')?.meaning).toBe(
      'spam (score 7.412 of 5 needed); rules: BAYES_99, HTML_MESSAGE, RDNS_NONE, URIBL_BLACK',
    );
    expect(a.verdicts.find((v) => v.kind === 'delay')?.meaning).toMatch(/301 s/);
    expect(a.subject).toBe('🎁 Flash sale');
  });

  it('calls a backwards step skew, not a negative delay, and measures the neighbours across it', () => {
    const text = [
      received('c.example', 'd.example', 'Sat, 5 Dec 2026 10:06:00 +0000'),
      received('b.example', 'c.example', 'Sat, 5 Dec 2026 10:05:00 +0000'),
      // b's clock is 30 minutes fast.
      received('a.example', 'b.example', 'Sat, 5 Dec 2026 10:34:00 +0000'),
      received('sender.example', 'a.example', 'Sat, 5 Dec 2026 10:04:00 +0000'),
    ].join('\n');
    const a = analyseHeaders(text);
    expect(a.hops.map((h) => h.delaySeconds)).toEqual([undefined, 60, 0, 60]);
    expect(a.hops[2]?.skewSeconds).toBe(29 * 60);
    expect(a.hops.some((h) => (h.delaySeconds ?? 0) < 0)).toBe(false);
    expect(a.largestDelay?.seconds).toBe(60);
  });

  it('keeps a wait between two servers of one organisation whole when their shared clock is the slow one', () => {
    const text = [
      received('ex01.corp.example', 'am0pr02mb0002.eurprd02.prod.outlook.com', 'Sat, 5 Dec 2026 11:10:30 +0000'),
      // corp.example's clock is 3 minutes slow: ex02 stamps before EOP handed it over, then ex01 held it 40 minutes.
      received('ex02.corp.example', 'ex01.corp.example', 'Sat, 5 Dec 2026 11:06:40 +0000'),
      received('am0pr02mb0001.eurprd02.prod.outlook.com', 'ex02.corp.example', 'Sat, 5 Dec 2026 10:26:40 +0000'),
      received('sender.example', 'am0pr02mb0001.eurprd02.prod.outlook.com', 'Sat, 5 Dec 2026 10:29:30 +0000'),
    ].join('\n');
    const a = analyseHeaders(text);
    expect(a.hops[1]?.skewSeconds).toBe(170);
    expect(a.largestDelay).toEqual({ hop: 2, seconds: 40 * 60 });
  });

  it('reads the zone in every stamp: the same instant in two zones is no delay', () => {
    const a = analyseHeaders(
      [
        received('b.example', 'c.example', 'Sat, 5 Dec 2026 11:00:05 +0100 (CET)'),
        received('a.example', 'b.example', 'Sat, 5 Dec 2026 05:00:00 EST'),
      ].join('\n'),
    );
    expect(a.hops[1]?.delaySeconds).toBe(5);
  });
});

describe('authentication precedence', () => {
  it("takes the receiver's own results first, its Received-SPF over another organisation's Authentication-Results", () => {
    const a = analyseHeaders(
      [
        'Authentication-Results: mx.receiver.example; dkim=pass header.d=sender.example header.s=s1; dmarc=pass header.from=sender.example',
        'Received-SPF: Fail (mailfrom) identity=mailfrom; client-ip=198.51.100.9; envelope-from=a@sender.example',
        'Received: from out.sender.example (out.sender.example [198.51.100.9]) by mx.receiver.example with ESMTPS id 2; Sat, 5 Dec 2026 10:00:05 +0000',
        'Authentication-Results: relay.sender.example; spf=pass smtp.mailfrom=sender.example; dkim=fail header.d=sender.example',
        'Received: from pc.sender.example by relay.sender.example with ESMTPSA id 1; Sat, 5 Dec 2026 10:00:00 +0000',
      ].join('\n'),
    );
    expect(a.auth.spf).toMatchObject({ result: 'fail', source: 'Received-SPF', domain: 'sender.example' });
    expect(a.auth.dkim).toMatchObject({ result: 'pass', source: 'Authentication-Results (mx.receiver.example)' });
    expect(a.auth.dmarc?.result).toBe('pass');
  });

  it('reads ARC from Authentication-Results when stated, and a DKIM signature nobody verified as unverified', () => {
    const a = analyseHeaders(
      [
        'Authentication-Results: mx.google.com; arc=pass (i=1 spf=pass spfdomain=list.example dkim=pass dkdomain=list.example); spf=fail smtp.mailfrom=list.example',
        'ARC-Seal: i=1; a=rsa-sha256; t=1; cv=none; d=list.example; s=arc; b=x',
      ].join('\n'),
    );
    expect(a.auth.arc).toMatchObject({ result: 'pass', detail: 'instance 1' });
    const b = analyseHeaders('DKIM-Signature: v=1; a=rsa-sha256; d=sender.example; s=sel; b=x');
    expect(b.auth.dkim).toMatchObject({ result: 'unverified', domain: 'sender.example', detail: 'selector sel' });
  });
});

describe('partial and odd pastes', () => {
  const two = [
    received('b.example', 'c.example', 'Sat, 5 Dec 2026 10:00:05 +0000'),
    received('a.example', 'b.example', 'Sat, 5 Dec 2026 10:00:00 +0000'),
  ].join('\n');

  it('says when a body came with the headers, and does not read it', () => {
    const a = analyseHeaders(
      `${two}\nSubject: hi\n\nDear Sam,\nReceived: from fake by fake; Sat, 5 Dec 2026 23:00:00 +0000\nBye`,
    );
    expect(a.hops).toHaveLength(2);
    expect(a.problems).toContainEqual({ kind: 'body', lines: 3 });
  });

  it('skips a question typed before the block and says so', () => {
    const a = analyseHeaders(`why was this late??\n${two}`);
    expect(a.hops).toHaveLength(2);
    expect(a.problems).toContainEqual({ kind: 'leading-text', lines: 1 });
  });

  it('notices a block cut at the top and a hop without a date', () => {
    const a = analyseHeaders(
      `\tfor <x@example.org>; Sat, 5 Dec 2026 10:00:09 +0000\n${two}\nReceived: from z.example by a.example with SMTP`,
    );
    expect(a.problems).toEqual(expect.arrayContaining([{ kind: 'starts-mid-header' }, { kind: 'no-date', hop: 0 }]));
  });

  it('reads a block whose continuation lines lost their indentation in the chat client', () => {
    const flat = two.replace(/\n\t/g, '\n');
    expect(analyseHeaders(flat).hops.map((h) => h.by)).toEqual(['b.example', 'c.example']);
  });

  it('keeps a folded verdict or time whose indentation was lost inside its field', () => {
    const a = analyseHeaders(
      [
        two.replace(/\n\t/g, '\n').replace('10:00:05 +0000', '\n10:00:05 +0000'),
        'X-Forefront-Antispam-Report:',
        'CIP:192.0.2.1;CTRY:NL;LANG:en;SCL:6;SRV:;IPV:NLI;SFV:SPM;',
        'H:mx.example;PTR:;CAT:SPM;SFS:(1);DIR:INB;',
      ].join('\n'),
    );
    expect(a.hops.map((h) => h.at)).toEqual(['2026-12-05T10:00:00.000Z', '2026-12-05T10:00:05.000Z']);
    expect(a.verdicts.find((v) => v.field.endsWith('SFV'))?.value).toBe('SPM');
    expect(a.verdicts.find((v) => v.field.endsWith('CAT'))?.value).toBe('SPM');
  });

  it('reads headers quoted with "> " inside a forwarded complaint', () => {
    const quoted = two
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
    expect(isHeaderBlock(quoted)).toBe(true);
    expect(analyseHeaders(quoted).hops.map((h) => h.by)).toEqual(['b.example', 'c.example']);
  });

  it('reads a double-spaced paste', () => {
    expect(analyseHeaders(two.replace(/\n(?=Received)/g, '\n\n')).hops).toHaveLength(2);
  });

  it('bounds 500 hops to the newest 100 and says so', () => {
    const lines: string[] = [];
    for (let i = 500; i > 0; i -= 1)
      lines.push(
        received(
          `h${i - 1}.example`,
          `h${i}.example`,
          `Sat, 5 Dec 2026 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} +0000`,
        ),
      );
    const a = analyseHeaders(lines.join('\n'));
    expect(a.hops).toHaveLength(100);
    expect(a.hops[99]?.by).toBe('h500.example');
    expect(a.problems).toContainEqual({ kind: 'too-many-hops', hops: 500, limit: 100 });
  });

  it('cuts a 1 MB paste at 256 KB and says so', () => {
    const big = `${two}\nX-Filler: ${'a'.repeat(1024 * 1024)}`;
    const a = analyseHeaders(big);
    expect(a.hops).toHaveLength(2);
    expect(a.problems[0]).toMatchObject({ kind: 'cut', limit: 256 * 1024 });
  });

  it('reports odd dates instead of inventing a delay', () => {
    const a = analyseHeaders(
      [
        received('b.example', 'c.example', 'tomorrow-ish'),
        received('a.example', 'b.example', 'Sat, 5 Dec 2026 10:00:00'),
      ].join('\n'),
    );
    expect(a.largestDelay).toBeNull();
    expect(a.problems).toEqual(
      expect.arrayContaining([
        { kind: 'bad-date', hop: 1, text: 'tomorrow-ish' },
        expect.objectContaining({ kind: 'unknown-zone', hop: 0 }),
      ]),
    );
  });
});

describe('isHeaderBlock', () => {
  it('is true for several Received: lines or an authentication header, false for prose', () => {
    expect(isHeaderBlock(fixture('gmail.txt'))).toBe(true);
    expect(isHeaderBlock('Authentication-Results: spf=fail smtp.mailfrom=x.example')).toBe(true);
    expect(isHeaderBlock('Received: from a by b; Sat, 5 Dec 2026 10:00:00 +0000')).toBe(false);
    expect(isHeaderBlock('550 5.7.1 Unable to relay. Received: twice? Authentication-Results mentioned in prose')).toBe(
      false,
    );
    expect(isHeaderBlock('')).toBe(false);
  });
});
