import safeRegex from 'safe-regex2';
import { AADSTS_PATTERNS } from '../../../src/kb/codes/aadsts';
import { HTTP_PATTERNS } from '../../../src/kb/codes/http';
import { JET_PATTERNS } from '../../../src/kb/codes/jet';
import { KERBEROS_PATTERNS } from '../../../src/kb/codes/kerberos';
import { SCHANNEL_PATTERNS } from '../../../src/kb/codes/schannel';
import { LDAP_PATTERNS } from '../../../src/kb/codes/ldap';
import { SMTP_PATTERNS } from '../../../src/kb/codes/smtp';
import { TLS_PATTERNS } from '../../../src/kb/codes/tls';
import { WINDOWS_PATTERNS } from '../../../src/kb/codes/windows';
import { ENTITY_PATTERNS } from '../../../src/kb/entities';
import { DIRECTION_PATTERNS } from '../../../src/kb/direction';
import { FOLLOW_UP_PATTERNS } from '../../../src/kb/follow-ups';
import { loadKnowledgeBase } from '../../../src/kb/load';
import { LOOKS_LIKE_ERROR_PATTERNS } from '../../../src/kb/looks-like-error';
import { PLATFORM_PATTERNS } from '../../../src/kb/platform';
import { TEXT_PATTERNS } from '../../../src/kb/text';

describe('no regular expression can backtrack catastrophically (static check with safe-regex2)', () => {
  it('the checker itself flags a classic catastrophic pattern', () => {
    expect(safeRegex(/(a+)+$/)).toBe(false);
    expect(safeRegex(/^(\w+\s?)*$/)).toBe(false);
  });

  it('every knowledge-base pattern is safe', () => {
    const patterns = loadKnowledgeBase().entries.flatMap((e) =>
      e.signatures.patterns.map((p) => ({ id: e.id, regex: p.regex })),
    );
    expect(patterns.length).toBeGreaterThan(0);
    const unsafe = patterns.filter((p) => !safeRegex(new RegExp(p.regex, 'i')));
    expect(unsafe).toEqual([]);
  });

  it.each([
    ['windows codes', WINDOWS_PATTERNS],
    ['smtp codes', SMTP_PATTERNS],
    ['ldap codes', LDAP_PATTERNS],
    ['http codes', HTTP_PATTERNS],
    ['tls codes', TLS_PATTERNS],
    ['jet codes', JET_PATTERNS],
    ['aadsts codes', AADSTS_PATTERNS],
    ['kerberos codes', KERBEROS_PATTERNS],
    ['schannel codes', SCHANNEL_PATTERNS],
    ['follow-up filters', FOLLOW_UP_PATTERNS],
    ['SMTP direction', DIRECTION_PATTERNS],
    ['platform detection', PLATFORM_PATTERNS],
    ['entities', ENTITY_PATTERNS],
    ['text preparation', TEXT_PATTERNS],
    ['looksLikeError', LOOKS_LIKE_ERROR_PATTERNS],
  ])('every %s pattern is safe', (_name, patterns) => {
    expect(patterns.length).toBeGreaterThan(0);
    expect(patterns.filter((p) => !safeRegex(p)).map(String)).toEqual([]);
  });
});
