import { normaliseSlack } from '../../../adapters/slack/markup';
import { normaliseTeams } from '../../../adapters/teams/markup';
import { decodeEntities, normaliseCommon } from '../../../src/core/normalise';

describe('normaliseSlack', () => {
  it.each([
    ['cert <https://mail.contoso.com/owa|mail.contoso.com/owa>', 'cert https://mail.contoso.com/owa'],
    ['cert <https://mail.contoso.com>', 'cert https://mail.contoso.com'],
    ['relay 10.1.2.3 to <mailto:someone@example.org|someone@example.org>', 'relay 10.1.2.3 to someone@example.org'],
    ['<@U0123ABC> cert mail.contoso.com', 'cert mail.contoso.com'],
    ['<!channel> help', 'help'],
    ['<!subteam^S123|@admins> help', 'help'],
    [
      'explain 5.7.1 &lt;user@contoso.com&gt;: Relay access denied &amp; more',
      'explain 5.7.1 <user@contoso.com>: Relay access denied & more',
    ],
    [
      'ou \u201CCN=Doe\\, Jane,OU=Engineers,DC=contoso,DC=local\u201D',
      'ou "CN=Doe\\, Jane,OU=Engineers,DC=contoso,DC=local"',
    ],
    ['/diag cert mail.contoso.com', 'cert mail.contoso.com'],
    ['see <#C024BE91L|ops> now', 'see #ops now'],
  ])('%s', (input, expected) => {
    expect(normaliseSlack(input)).toBe(expected);
  });

  it('keeps the line breaks of a pasted error', () => {
    expect(normaliseSlack('explain line one\nline two')).toBe('explain line one\nline two');
  });
});

describe('normaliseTeams', () => {
  it.each([
    ['<at>diagbot</at> cert mail.contoso.com', 'cert mail.contoso.com'],
    ['<at id="0">diag bot</at>&nbsp;help', 'help'],
    [
      '<p>explain An IIS directory entry couldn&#39;t be created.</p><p>HResult = -2147024891</p>',
      "explain An IIS directory entry couldn't be created.\nHResult = -2147024891",
    ],
    ['explain first<br>second<br/>third', 'explain first\nsecond\nthird'],
    ['<div><span>cert</span> <b>mail.contoso.com</b></div>', 'cert mail.contoso.com'],
    ['ou &quot;CN=Doe\\, Jane,DC=contoso,DC=local&quot;', 'ou "CN=Doe\\, Jane,DC=contoso,DC=local"'],
  ])('%s', (input, expected) => {
    expect(normaliseTeams(input)).toBe(expected);
  });
});

describe('normaliseCommon', () => {
  it('unwraps code fences with and without a language tag', () => {
    expect(normaliseCommon('explain ```\nAccess is denied\n```')).toBe('explain \nAccess is denied\n'.trim());
    expect(normaliseCommon('```powershell\nGet-OwaVirtualDirectory\n```')).toBe('Get-OwaVirtualDirectory');
  });

  it('unwraps inline code and straightens single smart quotes', () => {
    expect(normaliseCommon('`cert mail.contoso.com:443`')).toBe('cert mail.contoso.com:443');
    expect(normaliseCommon('ou \u2018jdoe\u2019')).toBe("ou 'jdoe'");
  });

  it('strips a leading bot mention and /diag', () => {
    expect(normaliseCommon('@diagbot help')).toBe('help');
    expect(normaliseCommon('  /diag   help cert ')).toBe('help cert');
  });
});

describe('decodeEntities', () => {
  it('decodes numeric entities and leaves unknown ones as typed', () => {
    expect(decodeEntities('&#x41;&#66;&bogus;&#0;')).toBe('AB&bogus;&#0;');
  });
});
