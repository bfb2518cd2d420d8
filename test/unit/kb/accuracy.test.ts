import { createExplainer, MATCH_THRESHOLD } from '../../../src/kb/explain';
import { loadFixtureCases, loadUnrelated } from './fixtures';

/**
 * Matching quality over the fixture files: top-1 accuracy over every positive text (the suite fails under
 * 95%), near-misses that must not put their entry first, and unrelated texts that must match nothing.
 */
const explainer = createExplainer();
const cases = loadFixtureCases();

describe('top-1 accuracy over the fixtures', () => {
  it('is at least 95%', () => {
    let total = 0;
    const misses: string[] = [];
    for (const c of cases) {
      for (const text of c.positive) {
        total += 1;
        const result = explainer.explain(text);
        const top = result.matches[0];
        if (top?.entry.id !== c.id)
          misses.push(`${c.id} <- ${top ? `${top.entry.id} (${top.confidence})` : 'no match'}: ${text.slice(0, 80)}`);
      }
    }
    const accuracy = (total - misses.length) / total;
    if (misses.length > 0) console.log(`top-1 misses (${misses.length}/${total}):\n${misses.join('\n')}`);
    expect(total).toBeGreaterThanOrEqual(200);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('never ranks an entry first for its near-miss texts', () => {
    const wrong: string[] = [];
    for (const c of cases) {
      for (const text of c.nearMiss) {
        const top = explainer.explain(text).matches[0];
        if (top?.entry.id === c.id) wrong.push(`${c.id} (${top.confidence}): ${text.slice(0, 80)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers with confidence at or above the threshold for every match it returns', () => {
    for (const c of cases.slice(0, 20)) {
      for (const m of explainer.explain(c.positive[0] as string).matches)
        expect(m.confidence).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
    }
  });
});

/**
 * Right or silent, measured: how often the answer puts a *wrong* diagnosis on top. A positive answered with
 * another entry, a near-miss answered with the entry it must not get, any diagnosis for an unrelated text.
 * "No match" and "possibly related" are not wrong — they cost a minute, a wrong diagnosis an hour.
 */
describe('wrong diagnosis on top', () => {
  // None at all on the fixtures: they are written for their entries, so any wrong top is a regression a merge brought
  // (helpers' branches each pass alone). The ≤ 2% target is for blind pastes (test/fixtures/kb/held-out).
  it('never happens over positives, near-misses and unrelated texts', () => {
    const wrong: string[] = [];
    let total = 0;
    let nearTotal = 0;
    let nearWrong = 0;
    let silent = 0;
    const check = (text: string, isWrong: (id: string) => boolean, label: string): boolean => {
      total += 1;
      const result = explainer.explain(text);
      const top = result.matches[0];
      if (result.band !== 'diagnosis') silent += 1;
      if (top && isWrong(top.entry.id)) {
        wrong.push(`${label} <- ${top.entry.id} (${top.confidence}): ${text.slice(0, 80)}`);
        return true;
      }
      return false;
    };
    for (const c of cases) {
      for (const text of c.positive) check(text, (id) => id !== c.id, c.id);
      for (const text of c.nearMiss) {
        nearTotal += 1;
        if (check(text, (id) => id === c.id, `near-miss of ${c.id}`)) nearWrong += 1;
      }
    }
    const unrelated = loadUnrelated();
    let unrelatedWrong = 0;
    for (const text of unrelated) if (check(text, () => true, 'unrelated')) unrelatedWrong += 1;
    const rate = wrong.length / total;
    console.log(
      `wrong diagnosis on top: ${wrong.length}/${total} (${(rate * 100).toFixed(2)}%); near-misses ${nearWrong}/${nearTotal}; ` +
        `unrelated ${unrelatedWrong}/${unrelated.length}; answered without a diagnosis ${silent}/${total}` +
        (wrong.length > 0 ? `\n${wrong.join('\n')}` : ''),
    );
    expect(wrong).toEqual([]);
    expect(nearWrong).toBe(0);
    expect(unrelatedWrong).toBe(0);
  });
});

describe('unrelated texts', () => {
  const unrelated = loadUnrelated();

  it('has at least 30 of them', () => {
    expect(unrelated.length).toBeGreaterThanOrEqual(30);
  });

  it.each(unrelated.map((t) => [t.split('\n')[0]?.slice(0, 60) ?? '', t]))('%s → no match', (_label, text) => {
    const result = explainer.explain(text);
    expect(result.matches.map((m) => `${m.entry.id} ${m.confidence}`)).toEqual([]);
  });
});

describe('variants unlike the fixtures', () => {
  it('matches the trust error whatever the URL, host or cmdlet', () => {
    for (const [cmdlet, host] of [
      ['Test-OwaConnectivity', 'owa.fabrikam.net'],
      ['Test-EcpConnectivity', 'ecp.northwind.local'],
      ['Invoke-WebRequest', 'api.adatum.co.uk'],
    ] as const) {
      const text = `${cmdlet} -URL https://${host}/x\nThe underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.`;
      const result = explainer.explain(text);
      expect(result.matches[0]?.entry.id).toBe('tls.trust-relationship');
      expect(result.followUps).toContain(`cert ${host}`);
    }
  });

  it('matches the IIS access-denied case for any server name and virtual-directory cmdlet', () => {
    for (const [server, cmdlet] of [
      ['EX01', 'Get-OabVirtualDirectory'],
      ['SYD-CAS-07', 'Get-WebServicesVirtualDirectory'],
      ['LONMBX2', 'Get-AutodiscoverVirtualDirectory'],
    ] as const) {
      const text = `An IIS directory entry couldn't be created. The error message is Access is denied.\n. HResult = -2147024891\n+ CategoryInfo : NotInstalled: (${server}\\EWS (Default Web Site):ADObjectId) [${cmdlet}], IISGeneralCOMException`;
      expect(explainer.explain(text).matches[0]?.entry.id).toBe('exchange.ems-iis-access-denied');
    }
  });

  it('reads an AD bind sub-code in any client spelling', () => {
    for (const [data, id] of [
      ['52e', 'ldap.bind-52e-invalid-credentials'],
      ['775', 'ldap.bind-775-account-locked'],
      ['533', 'ldap.bind-533-account-disabled'],
    ] as const) {
      const java = `[LDAP: error code 49 - 80090308: LdapErr: DSID-0C09042F, comment: AcceptSecurityContext error, data ${data}, v2580]`;
      const openldap = `ldap_bind: Invalid credentials (49)\n\tadditional info: 80090308: LdapErr: DSID-0C090447, comment: AcceptSecurityContext error, data ${data.toUpperCase()}, v3839`;
      expect(explainer.explain(java).matches[0]?.entry.id).toBe(id);
      expect(explainer.explain(openldap).matches[0]?.entry.id).toBe(id);
    }
  });

  it('survives an error pasted in the middle of a long log', () => {
    const noise = Array.from(
      { length: 40 },
      (_v, i) =>
        `2025-11-20T10:${String(i).padStart(2, '0')}:00Z INFO worker-${i} processed batch ${i * 17} in ${i + 3}ms`,
    ).join('\n');
    const text = `${noise}\nERROR Remote Server returned '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain'\n${noise}`;
    expect(explainer.explain(text).matches[0]?.entry.id).toBe('smtp.unable-to-relay');
  });

  it('matches a bare code with its entry', () => {
    expect(explainer.explain('0x800706BA').matches[0]?.entry.id).toBe('rpc.server-unavailable');
    expect(explainer.explain('what does 5.7.64 mean?').matches[0]?.entry.id).toBe(
      'exo.tenant-attribution-relay-denied',
    );
    expect(explainer.explain('data 775').matches[0]?.entry.id).toBe('ldap.bind-775-account-locked');
  });

  it('says nothing confident about a half-related text and offers the closest entry as a question', () => {
    const result = explainer.explain('something about a certificate on the proxy server, not sure what');
    expect(result.matches).toEqual([]);
  });
});
