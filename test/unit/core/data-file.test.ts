import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { dataFileOnce, loadDataFile } from '../../../src/core/data-file';

const schema = z.strictObject({ greeting: z.string().min(1) });

describe('loadDataFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'diagbot-data-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the YAML beside the source', async () => {
    writeFileSync(join(dir, 'texts.yaml'), 'greeting: >-\n  Hello,\n  {name}.\n');
    await expect(loadDataFile(dir, 'texts', schema)).resolves.toEqual({ greeting: 'Hello, {name}.' });
  });

  it('prefers the JSON the build compiled beside the code', async () => {
    writeFileSync(join(dir, 'texts.yaml'), 'greeting: from yaml\n');
    writeFileSync(join(dir, 'texts.json'), JSON.stringify({ greeting: 'from json' }));
    await expect(loadDataFile(dir, 'texts', schema)).resolves.toEqual({ greeting: 'from json' });
  });

  it('validates either, naming the file and the field', async () => {
    writeFileSync(join(dir, 'texts.yaml'), 'greeting: ""\n');
    await expect(loadDataFile(dir, 'texts', schema)).rejects.toThrow(`${join(dir, 'texts.yaml')}: greeting: `);
    writeFileSync(join(dir, 'texts.json'), JSON.stringify({ greeting: 'hi', extra: 1 }));
    await expect(loadDataFile(dir, 'texts', schema)).rejects.toThrow(`${join(dir, 'texts.json')}: `);
  });

  it('dataFileOnce reads the file on the first call only, then keeps it', async () => {
    const load = dataFileOnce(dir, 'texts', schema);
    writeFileSync(join(dir, 'texts.yaml'), 'greeting: first\n');
    await expect(load()).resolves.toEqual({ greeting: 'first' });
    writeFileSync(join(dir, 'texts.yaml'), 'greeting: second\n');
    await expect(load()).resolves.toEqual({ greeting: 'first' });
  });

  it('says where it looked when there is no file', async () => {
    await expect(loadDataFile(dir, 'texts', schema)).rejects.toThrow(
      /data file texts not found: looked for .*texts\.json \(run `npm run build`\) and .*texts\.yaml/,
    );
  });
});
