import { parseReceived } from '../../../src/headers/received';

describe('parseReceived', () => {
  it('reads Postfix with TLS', () => {
    const r = parseReceived(
      'from mail.example.org (mail.example.org [192.0.2.1]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256) (No client certificate requested) by mx.example.com (Postfix) with ESMTPS id 4Xyz for <bob@example.com>; Mon, 7 Dec 2026 10:00:00 +0100 (CET)',
    );
    expect(r).toMatchObject({
      fromHelo: 'mail.example.org',
      fromHost: 'mail.example.org',
      fromIp: '192.0.2.1',
      by: 'mx.example.com',
      with: 'ESMTPS',
      id: '4Xyz',
      for: 'bob@example.com',
      tls: 'TLS 1.3 TLS_AES_256_GCM_SHA384',
    });
    expect(new Date(r.date?.ms ?? 0).toISOString()).toBe('2026-12-07T09:00:00.000Z');
  });

  it('reads Exchange Server and Exchange Online shapes', () => {
    const onPrem = parseReceived(
      'from EXCH01.contoso.local (10.1.0.11) by EXCH02.contoso.local (10.1.0.12) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.2507.39; Thu, 3 Dec 2026 10:02:03 +0000',
    );
    expect(onPrem).toMatchObject({
      fromHelo: 'EXCH01.contoso.local',
      fromIp: '10.1.0.11',
      by: 'EXCH02.contoso.local',
      byIp: '10.1.0.12',
      with: 'Microsoft SMTP Server',
      tls: 'TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    });
    expect(onPrem.fromHost).toBeUndefined();
    const eop = parseReceived(
      'from BN8NAM11FT042.eop-nam11.prod.protection.outlook.com (2603:10b6:408:fe:cafe::b2) by BN9PR03CA0123.outlook.office365.com (2603:10b6:408:fe::8) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.7633.24 via Frontend Transport; Thu, 3 Dec 2026 11:54:10 +0000',
    );
    expect(eop).toMatchObject({
      fromIp: '2603:10b6:408:fe:cafe::b2',
      byIp: '2603:10b6:408:fe::8',
      tls: 'TLS 1.3 TLS_AES_256_GCM_SHA384',
    });
    const mapi = parseReceived(
      'from EXCH01.contoso.local ([fe80::5d1:2e4f:a1b2:c3d4]) by EXCH01.contoso.local ([fe80::5d1:2e4f:a1b2:c3d4%12]) with mapi id 15.01.2507.039; Thu, 3 Dec 2026 10:01:58 +0000',
    );
    expect(mapi).toMatchObject({ with: 'mapi', fromIp: 'fe80::5d1:2e4f:a1b2:c3d4' });
    expect(mapi.tls).toBeUndefined();
  });

  it('reads Gmail, Exim, sendmail and qmail shapes', () => {
    const gmail = parseReceived(
      'from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id a1 for <x@example.org> (Google Transport Security); Sat, 05 Dec 2026 01:22:09 -0800 (PST)',
    );
    expect(gmail).toMatchObject({
      fromHost: 'mail-sor-f41.google.com',
      fromIp: '209.85.220.41',
      by: 'mx.google.com',
      with: 'SMTPS',
      tls: 'TLS',
      for: 'x@example.org',
    });
    const exim = parseReceived(
      'from [198.51.100.9] (helo=mail.partner.example) by mx.example.net with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <a@partner.example>) id 1rXyz-000abc-12 for b@example.net; Sat, 05 Dec 2026 10:00:00 +0000',
    );
    expect(exim).toMatchObject({
      fromHelo: 'mail.partner.example',
      fromIp: '198.51.100.9',
      with: 'esmtps',
      tls: 'TLS 1.3 TLS_AES_256_GCM_SHA384',
    });
    const sendmail = parseReceived(
      'from relay.example.com (relay.example.com [203.0.113.5]) by mx.example.edu (8.15.2/8.15.2) with ESMTPS id 0B5A1b2c012345 (version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NOT) for <c@example.edu>; Sat, 5 Dec 2026 10:00:00 -0500',
    );
    expect(sendmail).toMatchObject({ by: 'mx.example.edu', tls: 'TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384' });
    const qmail = parseReceived('(qmail 12345 invoked by uid 89); 5 Dec 2026 10:00:00 -0000');
    expect(qmail.by).toBeUndefined();
    expect(qmail.date?.zoneKnown).toBe(false);
  });

  it('keeps a semicolon inside a comment out of the date', () => {
    const r = parseReceived(
      'from a.example (a.example [192.0.2.7]) (authenticated; bits=0) by b.example with ESMTPSA id 1; Sat, 5 Dec 2026 10:00:00 +0000',
    );
    expect(r.by).toBe('b.example');
    expect(new Date(r.date?.ms ?? 0).toISOString()).toBe('2026-12-05T10:00:00.000Z');
  });

  it('says when the date is not readable and when there is none', () => {
    expect(parseReceived('from a by b; sometime last week').dateText).toBe('sometime last week');
    expect(parseReceived('from a by b with SMTP').date).toBeUndefined();
  });
});
