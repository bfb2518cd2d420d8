import { readVerdicts } from '../../../src/headers/verdicts';

describe('readVerdicts', () => {
  it('reads an Rspamd action it knows, and names one it does not (even one named like an object property)', () => {
    const field = (value: string) => ({ key: 'x-rspamd-action', name: 'X-Rspamd-Action', value });
    expect(readVerdicts([field('reject')])[0]?.meaning).toBe('rejected as spam');
    for (const value of ['constructor', '__proto__', 'toString']) {
      expect(readVerdicts([field(value)])[0]?.meaning).toBe(`action ${value}`);
    }
  });
});
