import { splitCommandName, tokenize } from '../../../src/core/tokenize';
import { diagErrorWith } from '../../helpers/diag-error';

const values = (text: string): string[] => tokenize(text).map((w) => w.value);

describe('tokenize', () => {
  it.each([
    ['cert mail.contoso.com:443', ['cert', 'mail.contoso.com:443']],
    ['  a   b\tc\n d ', ['a', 'b', 'c', 'd']],
    ['"two words" single', ['two words', 'single']],
    ["'single quoted' x", ['single quoted', 'x']],
    ['CN=Doe\\, Jane,OU=Engineers', ['CN=Doe\\,', 'Jane,OU=Engineers']],
    ['"CN=Doe\\, Jane,OU=Engineers"', ['CN=Doe\\, Jane,OU=Engineers']],
    ['"say \\"hi\\""', ['say "hi"']],
    ["'keep \\\" as typed'", ['keep \\" as typed']],
    ['C:\\Windows\\System32', ['C:\\Windows\\System32']],
    ['a"b c"d', ['ab cd']],
    ['""', ['']],
  ])('%j', (input, expected) => {
    expect(values(input)).toEqual(expected);
  });

  it('marks quoted words so "--x" stays a value', () => {
    expect(tokenize('"--name" --name')).toEqual([
      { value: '--name', quoted: true },
      { value: '--name', quoted: false },
    ]);
  });

  it('refuses an unterminated quote', () => {
    expect(() => tokenize('ou "CN=unterminated')).toThrow(diagErrorWith('args.tokenize'));
  });
});

describe('splitCommandName', () => {
  it('lower-cases the name and keeps the rest verbatim', () => {
    expect(splitCommandName('EXPLAIN  line one\n  line two')).toEqual({
      name: 'explain',
      rest: ' line one\n  line two',
    });
    expect(splitCommandName('   ')).toEqual({ name: '', rest: '' });
  });
});
