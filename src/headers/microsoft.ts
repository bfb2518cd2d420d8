import type { Verdict } from './types';

/**
 * Microsoft 365 / Exchange Online Protection verdict fields, decoded as Microsoft documents them ("Anti-spam
 * message headers in Microsoft 365"): X-Forefront-Antispam-Report, X-Microsoft-Antispam, X-Microsoft-Antispam-
 * Mailbox-Delivery and the X-MS-Exchange-Organization-* stamps.
 */

const SOURCE = 'Microsoft 365';

const SFV: Record<string, { meaning: string; kind: Verdict['kind'] }> = {
  BLK: { meaning: "blocked: the sender is on the recipient's Blocked Senders list", kind: 'spam' },
  NSPM: { meaning: 'not spam: spam filtering found nothing', kind: 'info' },
  SFE: { meaning: "filtering skipped: the sender is on the recipient's Safe Senders list", kind: 'allow' },
  SKA: {
    meaning: "filtering skipped: the sender is on an anti-spam policy's allowed senders or domains list",
    kind: 'allow',
  },
  SKB: { meaning: "marked spam: the sender is on an anti-spam policy's blocked senders or domains list", kind: 'spam' },
  SKI: { meaning: 'filtering skipped: a message inside the organisation (intra-org)', kind: 'info' },
  SKN: { meaning: 'marked not spam before filtering (a mail flow rule set SCL -1)', kind: 'allow' },
  SKQ: { meaning: 'released from quarantine to the recipients', kind: 'info' },
  SKS: { meaning: 'marked spam before filtering (a mail flow rule set the SCL)', kind: 'spam' },
  SPM: { meaning: 'spam: spam filtering marked it', kind: 'spam' },
};

const CAT: Record<string, string> = {
  AMP: 'anti-malware',
  BIMP: 'brand impersonation',
  BULK: 'bulk',
  DIMP: 'domain impersonation',
  FTBP: 'anti-malware common attachments filter',
  GIMP: 'mailbox intelligence impersonation',
  HPHSH: 'high confidence phishing',
  HPHISH: 'high confidence phishing',
  HSPM: 'high confidence spam',
  INTOS: 'intra-organisation phishing',
  MALW: 'malware',
  OSPM: 'outbound spam',
  PHSH: 'phishing',
  SAP: 'Safe Attachments',
  SPM: 'spam',
  SPOOF: 'spoofing',
  UIMP: 'user impersonation',
  NONE: 'no verdict category',
};

function scl(value: string): { meaning: string; kind: Verdict['kind'] } {
  const n = Number(value);
  if (n === -1)
    return {
      meaning: 'SCL -1: not spam, filtering was skipped (a trusted sender, an allow entry or a mail flow rule)',
      kind: 'allow',
    };
  if (n >= 0 && n <= 1) return { meaning: `SCL ${n}: not spam, delivered to the inbox`, kind: 'info' };
  if (n >= 2 && n <= 4)
    return { meaning: `SCL ${n}: not spam by default (policy thresholds may differ)`, kind: 'info' };
  if (n >= 5 && n <= 6)
    return { meaning: `SCL ${n}: spam, goes to Junk Email or quarantine as the anti-spam policy says`, kind: 'spam' };
  if (n >= 7 && n <= 9) return { meaning: `SCL ${n}: high confidence spam`, kind: 'spam' };
  return { meaning: `SCL ${value}: not a value Microsoft documents`, kind: 'info' };
}

function bcl(value: string): { meaning: string; kind: Verdict['kind'] } {
  const n = Number(value);
  if (n === 0) return { meaning: 'BCL 0: not from a bulk sender', kind: 'info' };
  if (n >= 1 && n <= 3) return { meaning: `BCL ${n}: a bulk sender with few complaints`, kind: 'info' };
  if (n >= 4 && n <= 7)
    return {
      meaning: `BCL ${n}: a bulk sender with a mixed number of complaints (the default threshold is 7 in the standard preset)`,
      kind: 'bulk',
    };
  if (n >= 8 && n <= 9) return { meaning: `BCL ${n}: a bulk sender with many complaints`, kind: 'bulk' };
  return { meaning: `BCL ${value}: not a value Microsoft documents`, kind: 'info' };
}

function pcl(value: string): { meaning: string; kind: Verdict['kind'] } {
  const n = Number(value);
  if (n >= 0 && n <= 3) return { meaning: `PCL ${n}: content unlikely to be phishing`, kind: 'info' };
  if (n >= 4 && n <= 8) return { meaning: `PCL ${n}: content likely to be phishing`, kind: 'spam' };
  return { meaning: `PCL ${value}: not a value Microsoft documents`, kind: 'info' };
}

/** `CIP:1.2.3.4;CTRY:US;…;SFV:SPM;…` → key/value pairs (SFS and the other rule lists stay raw). */
function pairs(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of value.split(';')) {
    const colon = part.indexOf(':');
    if (colon <= 0) continue;
    const key = part.slice(0, colon).trim().toUpperCase();
    if (!out.has(key)) out.set(key, part.slice(colon + 1).trim());
  }
  return out;
}

function forefront(value: string, field: string): Verdict[] {
  const out: Verdict[] = [];
  const map = pairs(value);
  const add = (key: string, meaning: string, kind: Verdict['kind']): void => {
    out.push({ source: SOURCE, field: `${field} ${key}`, value: map.get(key) ?? '', meaning, kind });
  };
  const sfv = map.get('SFV');
  if (sfv) {
    const known = SFV[sfv.toUpperCase()];
    add(
      'SFV',
      known ? `SFV:${sfv} — ${known.meaning}` : `SFV:${sfv} — a spam filtering verdict Microsoft does not document`,
      known?.kind ?? 'info',
    );
  }
  const sclValue = map.get('SCL');
  if (sclValue !== undefined && sclValue !== '') add('SCL', scl(sclValue).meaning, scl(sclValue).kind);
  const pclValue = map.get('PCL');
  if (pclValue) add('PCL', pcl(pclValue).meaning, pcl(pclValue).kind);
  const cat = map.get('CAT');
  if (cat && cat.toUpperCase() !== 'NONE') {
    const name = CAT[cat.toUpperCase()];
    add(
      'CAT',
      `CAT:${cat} — the policy applied was ${name ?? 'a category Microsoft does not document'}`,
      ['BULK'].includes(cat.toUpperCase()) ? 'bulk' : ['SAP', 'OSPM'].includes(cat.toUpperCase()) ? 'info' : 'spam',
    );
  }
  const ipv = map.get('IPV');
  if (ipv === 'CAL')
    add(
      'IPV',
      "IPV:CAL — the connecting IP is on the connection filter's IP Allow List, so spam filtering was skipped",
      'allow',
    );
  else if (ipv === 'NLI') add('IPV', 'IPV:NLI — the connecting IP is on no reputation list', 'info');
  const sfty = map.get('SFTY');
  if (sfty) {
    const meaning = sfty.startsWith('9.19')
      ? 'domain impersonation safety tip'
      : sfty.startsWith('9.20')
        ? 'user impersonation safety tip'
        : 'a safety tip was added';
    add('SFTY', `SFTY:${sfty} — ${meaning}`, 'spam');
  }
  const srv = map.get('SRV');
  if (srv === 'BULK') add('SRV', 'SRV:BULK — marked bulk by the bulk complaint level (BCL) filter', 'bulk');
  const dir = map.get('DIR');
  if (dir)
    add(
      'DIR',
      `DIR:${dir} — ${dir === 'INB' ? 'inbound' : dir === 'OUT' ? 'outbound' : dir === 'INT' ? 'internal' : 'direction'} message`,
      'info',
    );
  const cip = map.get('CIP');
  if (cip)
    add(
      'CIP',
      `the connecting IP address was ${cip}${map.get('PTR') ? ` (reverse DNS ${map.get('PTR')})` : ''}${map.get('CTRY') ? `, country ${map.get('CTRY')}` : ''}`,
      'info',
    );
  return out;
}

function antispam(value: string, field: string): Verdict[] {
  const map = pairs(value);
  const value_ = map.get('BCL');
  if (value_ === undefined || value_ === '') return [];
  const decoded = bcl(value_);
  return [{ source: SOURCE, field: `${field} BCL`, value: value_, meaning: decoded.meaning, kind: decoded.kind }];
}

function mailboxDelivery(value: string, field: string): Verdict[] {
  const map = pairs(value);
  const out: Verdict[] = [];
  const dest = map.get('DEST');
  if (dest) {
    const where =
      dest === 'J'
        ? 'the Junk Email folder'
        : dest === 'I'
          ? 'the Inbox'
          : dest === 'D'
            ? 'Deleted Items'
            : dest === 'C'
              ? 'a custom folder'
              : `"${dest}"`;
    out.push({
      source: SOURCE,
      field: `${field} dest`,
      value: dest,
      meaning: `delivered to ${where}`,
      kind: dest === 'J' ? 'spam' : 'info',
    });
  }
  const ofr = map.get('OFR');
  if (ofr)
    out.push({
      source: SOURCE,
      field: `${field} OFR`,
      value: ofr,
      meaning: `the folder was chosen by ${ofr}${/spamfilterauth/i.test(ofr) ? ' (failed sender authentication)' : /trustedsender|exclusive/i.test(ofr) ? ' (a safe-sender or trusted-sender rule)' : ''}`,
      kind: /spam|junk/i.test(ofr) ? 'spam' : 'info',
    });
  const rf = map.get('RF');
  if (rf)
    out.push({
      source: SOURCE,
      field: `${field} RF`,
      value: rf,
      meaning: `routing folder: ${rf}`,
      kind: /junk/i.test(rf) ? 'spam' : 'info',
    });
  return out;
}

/** Decodes one Microsoft field, or returns an empty list when the field is not one of theirs. */
export function microsoftVerdicts(key: string, value: string, name: string): Verdict[] {
  switch (key) {
    case 'x-forefront-antispam-report':
    case 'x-forefront-antispam-report-untrusted':
      return forefront(value, name);
    case 'x-microsoft-antispam':
    case 'x-microsoft-antispam-untrusted':
      return antispam(value, name);
    case 'x-microsoft-antispam-mailbox-delivery':
      return mailboxDelivery(value, name);
    case 'x-ms-exchange-organization-scl': {
      const decoded = scl(value.trim());
      return [{ source: SOURCE, field: name, value: value.trim(), meaning: decoded.meaning, kind: decoded.kind }];
    }
    case 'x-ms-exchange-organization-pcl': {
      const decoded = pcl(value.trim());
      return [{ source: SOURCE, field: name, value: value.trim(), meaning: decoded.meaning, kind: decoded.kind }];
    }
    case 'x-ms-exchange-organization-authas':
      return [
        {
          source: SOURCE,
          field: name,
          value,
          meaning: /internal/i.test(value)
            ? 'the sender authenticated as internal to the organisation'
            : /partner/i.test(value)
              ? 'the sender authenticated as a partner (a connector with TLS)'
              : 'the sender was anonymous (internet mail)',
          kind: 'info',
        },
      ];
    case 'x-ms-exchange-organization-authsource':
      return [
        {
          source: SOURCE,
          field: name,
          value,
          meaning: `the server that decided the sender's authentication: ${value}`,
          kind: 'info',
        },
      ];
    case 'x-ms-exchange-organization-messagedirectionality':
      return [
        {
          source: SOURCE,
          field: name,
          value,
          meaning: /originating/i.test(value)
            ? 'sent from inside the organisation'
            : 'received from outside the organisation',
          kind: 'info',
        },
      ];
    default:
      return [];
  }
}
