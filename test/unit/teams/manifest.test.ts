import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { EXPLAIN_ACTION_ID } from '../../../adapters/teams/invoke';
import { buildManifest, buildPackage, PLACEHOLDER_ID } from '../../../scripts/package-teams';

/**
 * manifest/teams: the manifest validates against Microsoft's official schema (kept beside it, see
 * schema/README.md), the icons have the sizes Teams demands, and the package script fills in the app id
 * and domain and writes a zip that a reader other than its writer can open.
 */
const dir = join(__dirname, '..', '..', '..', 'manifest', 'teams');
const APP_ID = '5e1f0c2a-0000-4000-8000-00000000d1a9';

type Manifest = {
  manifestVersion: string;
  id: string;
  icons: { color: string; outline: string };
  bots: Array<{ botId: string; scopes: string[]; commandLists: Array<{ commands: Array<{ title: string }> }> }>;
  composeExtensions: Array<{
    botId: string;
    commands: Array<{ id: string; type: string; context: string[]; fetchTask: boolean }>;
  }>;
  validDomains: string[];
  developer: Record<string, string>;
};

const template = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(
  JSON.parse(readFileSync(join(dir, 'schema', 'MicrosoftTeams.v1.22.schema.json'), 'utf8')) as object,
);

/** A minimal PNG reader (any filter type), independent of the writer in scripts/package-teams.js. */
function decodePng(png: Buffer): { width: number; height: number; colorType: number; pixels: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(png.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      colorType = data[9] as number;
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const channels = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)] as number;
    for (let x = 0; x < stride; x += 1) {
      const byte = raw[y * (stride + 1) + 1 + x] as number;
      const a = x >= channels ? (pixels[y * stride + x - channels] as number) : 0;
      const b = y > 0 ? (pixels[(y - 1) * stride + x] as number) : 0;
      const c = x >= channels && y > 0 ? (pixels[(y - 1) * stride + x - channels] as number) : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter] as number;
      pixels[y * stride + x] = (byte + predictor) & 0xff;
    }
  }
  return { width, height, colorType, pixels };
}

/** Reads a zip through its central directory, checking each entry's CRC with node's own crc32. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i += 1) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const packed = zip.subarray(dataStart, dataStart + size);
    const data = method === 8 ? inflateRawSync(packed) : packed;
    expect(crc32(data)).toBe(crc);
    files.set(name, data);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return files;
}

describe('manifest/teams/manifest.json', () => {
  it('is valid against the official Teams manifest schema', () => {
    expect(validate(template)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('is checked for real: a broken manifest fails the same schema', () => {
    const broken = structuredClone(template);
    broken.id = 'not-a-guid';
    broken.bots[0]?.scopes.push('everyone');
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/id']));
  });

  it('offers the bot in personal, team and group chat with the command list, and the message action', () => {
    expect(Number(template.manifestVersion)).toBeGreaterThanOrEqual(1.22);
    const [bot] = template.bots;
    expect(bot?.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(bot?.commandLists[0]?.commands.map((c) => c.title)).toEqual([
      'help',
      'cert',
      'relay',
      'ou',
      'explain',
      'digest',
    ]);
    const [action] = template.composeExtensions[0]?.commands ?? [];
    expect(action).toMatchObject({ id: EXPLAIN_ACTION_ID, type: 'action', context: ['message'], fetchTask: true });
  });

  it('has a 192×192 colour icon and a 32×32 white-on-transparent outline icon', () => {
    const color = decodePng(readFileSync(join(dir, template.icons.color)));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = decodePng(readFileSync(join(dir, template.icons.outline)));
    expect([outline.width, outline.height, outline.colorType]).toEqual([32, 32, 6]);
    let visible = 0;
    for (let i = 0; i < outline.pixels.length; i += 4) {
      const alpha = outline.pixels[i + 3] as number;
      if (alpha === 0) continue;
      visible += 1;
      expect([...outline.pixels.subarray(i, i + 3)]).toEqual([255, 255, 255]);
    }
    expect(visible).toBeGreaterThan(50);
    expect(outline.pixels[3]).toBe(0); // the corner is transparent
  });
});

describe('npm run package:teams', () => {
  it('fills in the app id and the domain, and the result is still valid', () => {
    const manifest = buildManifest(template, { appId: APP_ID, domain: 'diagbot.contoso.com' });
    expect(validate(manifest)).toBe(true);
    expect(JSON.stringify(manifest)).not.toContain(PLACEHOLDER_ID);
    expect(manifest.bots[0]?.botId).toBe(APP_ID);
    expect(manifest.composeExtensions[0]?.botId).toBe(APP_ID);
    expect(manifest.validDomains).toEqual(['diagbot.contoso.com']);
    expect(manifest.developer.privacyUrl).toBe('https://diagbot.contoso.com/privacy');
    expect(template.id).toBe(PLACEHOLDER_ID);
  });

  it('refuses a missing or malformed app id or domain, saying what to set', () => {
    expect(() => buildManifest(template, { domain: 'diagbot.contoso.com' })).toThrow(/MICROSOFT_APP_ID/);
    expect(() => buildManifest(template, { appId: 'bot', domain: 'diagbot.contoso.com' })).toThrow(/GUID/);
    expect(() => buildManifest(template, { appId: APP_ID })).toThrow(/teams\.domain/);
    expect(() => buildManifest(template, { appId: APP_ID, domain: 'https://diagbot.contoso.com/' })).toThrow(
      /host name/,
    );
  });

  it('builds a zip with the manifest and both icons at its root', () => {
    const files = readZip(buildPackage({ appId: APP_ID, domain: 'diagbot.contoso.com' }));
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse((files.get('manifest.json') as Buffer).toString('utf8')) as Manifest;
    expect(manifest.id).toBe(APP_ID);
    expect(validate(manifest)).toBe(true);
    expect(files.get('color.png')).toEqual(readFileSync(join(dir, 'color.png')));
  });
});
