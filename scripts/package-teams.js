#!/usr/bin/env node
'use strict';
/**
 * `npm run package:teams`: builds the Teams app package (a zip of manifest.json, color.png and outline.png)
 * from manifest/teams, with the bot's app id and public domain filled in from the configuration
 * (MICROSOFT_APP_ID, teams.domain) or from --app-id / --domain. `--icons` redraws the two icons.
 *
 *   node scripts/package-teams.js [--app-id <guid>] [--domain <host>] [--config FILE] [--out FILE]
 *   node scripts/package-teams.js --icons
 *
 * Plain node, no dependencies: PNG and zip are written with node's zlib.
 */
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { deflateRawSync, deflateSync } = require('node:zlib');

const ROOT = join(__dirname, '..');
const MANIFEST_DIR = join(ROOT, 'manifest', 'teams');
const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';
const PLACEHOLDER_DOMAIN = 'diagbot.example.com';
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

// ---- CRC-32 (PNG chunks and zip entries share it) ----
const CRC_TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n += 1) {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c >>> 0;
}
function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// ---- PNG ----
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA PNG from `rgba` (width × height × 4 bytes), every row unfiltered. */
function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y += 1) rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- the icon: a magnifying glass with a check mark in the lens ----
function segmentDistance(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Is the point (unit square) on the glyph? Strokes are thicker for the small outline icon. */
function onGlyph(x, y, weight) {
  const ring = Math.abs(Math.hypot(x - 0.42, y - 0.42) - 0.25) < 0.035 * weight;
  const handle = segmentDistance(x, y, 0.61, 0.61, 0.8, 0.8) < 0.05 * weight;
  const check =
    segmentDistance(x, y, 0.31, 0.43, 0.39, 0.51) < 0.028 * weight ||
    segmentDistance(x, y, 0.39, 0.51, 0.54, 0.34) < 0.028 * weight;
  return ring || handle || check;
}

/** Glyph coverage per pixel, 4×4 supersampled so edges are smooth. */
function coverage(size, weight, x, y) {
  let hits = 0;
  for (let sy = 0; sy < 4; sy += 1) {
    for (let sx = 0; sx < 4; sx += 1) {
      if (onGlyph((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size, weight)) hits += 1;
    }
  }
  return hits / 16;
}

/** color.png: 192×192, the white glyph on the accent colour. outline.png: 32×32, white on transparent. */
function drawIcons() {
  const accent = [0x1f, 0x5c, 0x99];
  const colorSize = 192;
  const color = Buffer.alloc(colorSize * colorSize * 4);
  for (let y = 0; y < colorSize; y += 1) {
    for (let x = 0; x < colorSize; x += 1) {
      const a = coverage(colorSize, 1, x, y);
      const i = (y * colorSize + x) * 4;
      for (let c = 0; c < 3; c += 1) color[i + c] = Math.round(accent[c] * (1 - a) + 255 * a);
      color[i + 3] = 255;
    }
  }
  const outlineSize = 32;
  const outline = Buffer.alloc(outlineSize * outlineSize * 4);
  for (let y = 0; y < outlineSize; y += 1) {
    for (let x = 0; x < outlineSize; x += 1) {
      const i = (y * outlineSize + x) * 4;
      const a = Math.round(coverage(outlineSize, 1.6, x, y) * 255);
      // Teams wants the outline white on transparent; a fully transparent pixel is written as all zeros.
      outline.fill(a === 0 ? 0 : 255, i, i + 3);
      outline[i + 3] = a;
    }
  }
  return { color: encodePng(colorSize, colorSize, color), outline: encodePng(outlineSize, outlineSize, outline) };
}

// ---- zip (stored + deflated entries, fixed timestamps so the same input gives the same bytes) ----
function createZip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10); // time 00:00
    local.writeUInt16LE(0x21, 12); // date 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// ---- the manifest ----
/** The template with the app id and domain filled in; throws with what to set when either is unusable. */
function buildManifest(template, { appId, domain }) {
  if (!appId || !GUID.test(appId))
    throw new Error(
      `the app id must be the bot's Microsoft App ID (a GUID); got "${appId ?? ''}". Set MICROSOFT_APP_ID or pass --app-id.`,
    );
  if (!domain || !DOMAIN.test(domain))
    throw new Error(
      `the domain must be the public host name of /api/messages (e.g. diagbot.contoso.com); got "${domain ?? ''}". Set teams.domain in the configuration or pass --domain.`,
    );
  const manifest = JSON.parse(JSON.stringify(template));
  manifest.id = appId;
  for (const bot of manifest.bots ?? []) bot.botId = appId;
  for (const extension of manifest.composeExtensions ?? []) extension.botId = appId;
  manifest.validDomains = [domain];
  for (const key of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) {
    if (typeof manifest.developer?.[key] === 'string')
      manifest.developer[key] = manifest.developer[key].replace(PLACEHOLDER_DOMAIN, domain);
  }
  return manifest;
}

function readTemplate() {
  return JSON.parse(readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8'));
}

/** The package as bytes: manifest.json, color.png and outline.png at the root of the zip, as Teams wants. */
function buildPackage({ appId, domain }) {
  const manifest = buildManifest(readTemplate(), { appId, domain });
  return createZip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') },
    { name: 'color.png', data: readFileSync(join(MANIFEST_DIR, manifest.icons.color)) },
    { name: 'outline.png', data: readFileSync(join(MANIFEST_DIR, manifest.icons.outline)) },
  ]);
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value`);
      i += 1;
      return v;
    };
    if (arg === '--icons') options.icons = true;
    else if (arg === '--app-id') options.appId = value();
    else if (arg === '--domain') options.domain = value();
    else if (arg === '--config') options.config = value();
    else if (arg === '--out') options.out = value();
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

/** The app id and domain from the configuration (the built config loader, so env and YAML mean what they mean to diagbot). */
function fromConfig(configFile) {
  let load;
  try {
    ({ loadConfig: load } = require(join(ROOT, 'dist', 'src', 'config', 'load.js')));
  } catch {
    throw new Error('diagbot is not built: run `npm run build` first, or pass both --app-id and --domain');
  }
  const config = load({ file: configFile });
  return { appId: config.teams.appId, domain: config.teams.domain };
}

function main(argv) {
  const options = parseArgs(argv);
  if (options.icons) {
    const { color, outline } = drawIcons();
    writeFileSync(join(MANIFEST_DIR, 'color.png'), color);
    writeFileSync(join(MANIFEST_DIR, 'outline.png'), outline);
    console.log(`wrote ${join('manifest', 'teams', 'color.png')} and ${join('manifest', 'teams', 'outline.png')}`);
    return;
  }
  const configured = options.appId && options.domain ? {} : fromConfig(options.config);
  const appId = options.appId ?? configured.appId;
  const domain = options.domain ?? configured.domain;
  const out = resolve(options.out ?? join(ROOT, 'dist', 'teams', 'diagbot-teams.zip'));
  const zip = buildPackage({ appId, domain });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip);
  console.log(
    `wrote ${out} (${zip.length} bytes) for app ${appId} at ${domain}; upload it in Teams (Apps → Manage your apps → Upload an app)`,
  );
}

module.exports = {
  buildManifest,
  buildPackage,
  createZip,
  crc32,
  drawIcons,
  encodePng,
  PLACEHOLDER_ID,
  PLACEHOLDER_DOMAIN,
};

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`package:teams: ${error.message}`);
    process.exitCode = 1;
  }
}
