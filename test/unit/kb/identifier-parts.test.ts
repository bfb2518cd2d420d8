import { createMatcher } from '../../../src/kb/matcher';
import { kbEntrySchema } from '../../../src/kb/schema';

// An API name such as ldap_start_tls_s carries the words a required group or keyword asks for; phrases and exclusions
// stay exact, so an identifier cannot rule an entry out or stand in for the vendor's sentence.
const entry = kbEntrySchema.parse({
  id: 'test.start-tls',
  title: 'StartTLS to the directory fails',
  products: ['OpenLDAP'],
  versions: ['all'],
  signatures: {
    phrases: [{ text: 'Connect error while negotiating', weight: 1.5 }],
    keywords: ['start_tls'],
    required: [['ldap_start_tls', 'starttls']],
    exclude: ['tls_reqcert'],
  },
  explanation: 'The client asked for StartTLS and the handshake failed.',
  causes: ['The server certificate is not trusted.'],
  fix: { summary: 'Trust the CA.', steps: ['Add the CA to the client.'] },
  links: [{ title: 'OpenLDAP admin guide', url: 'https://www.openldap.org/doc/admin26/' }],
  followUps: [],
});

function ids(text: string): string[] {
  const tokens = text.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
  return createMatcher([entry])
    .match({ tokens, codeKeys: new Set(), text })
    .map((m) => m.entry.id);
}

describe('identifier parts', () => {
  it('meets a required term with a run of parts inside a longer identifier', () => {
    expect(ids('ldap_start_tls_s(): Connect error while negotiating')).toEqual(['test.start-tls']);
  });

  it('still needs the required evidence somewhere', () => {
    expect(ids('ldap_simple_bind_s(): Connect error while negotiating')).toEqual([]);
  });

  it('does not let a part of an identifier trigger an exclusion', () => {
    expect(ids('ldap_start_tls_s(): Connect error while negotiating; olc_tls_reqcert_demand set')).toEqual([
      'test.start-tls',
    ]);
  });

  it('counts a keyword found inside an identifier', () => {
    const tokens = 'ldap_start_tls_s(): connect error while negotiating'.match(/[a-z0-9_]+/g) ?? [];
    const [m] = createMatcher([entry]).match({ tokens, codeKeys: new Set(), text: '' });
    expect(m?.signals.some((s) => s.kind === 'keyword' && s.detail === 'start_tls')).toBe(true);
  });
});
