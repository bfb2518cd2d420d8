#!/usr/bin/env node
'use strict';
/**
 * Scores the headers analysis against held-out pastes: every `test/fixtures/headers/held-out/*.yaml` (a YAML
 * list of `{id, shape, paste, expected: {hops, largestDelay: {by, seconds} | null, skew, auth: {spf?, dkim?,
 * dmarc?, compauth?, compauthReason?, arc?}, spam, notes}}`) is run through the `headers` answer as the CLI
 * and `--json` give it, and each item is scored on
 *   - the largest delay: the `by` host of the delayed hop (the server that stamped after the wait; full name
 *     or its first label) and the seconds within ±60 s; or null, which our answer matches when it has no
 *     delay of a minute or more;
 *   - the authentication verdicts that the item states (each compared on its first word, case-insensitive).
 * Prints per item and in total; only prints, asserts nothing. Build first (`npm run build`), then:
 *
 *   node scripts/score-headers.js [--verbose] [dir]
 */
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const YAML = require('yaml');

const ROOT = join(__dirname, '..');
const { analyseHeadersReply } = require(join(ROOT, 'dist', 'commands', 'headers'));

const TOLERANCE = 60;
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const dir = args.find((a) => !a.startsWith('--')) ?? join(ROOT, 'test', 'fixtures', 'headers', 'held-out');

const norm = (value) =>
  value === null || value === undefined
    ? null
    : String(value)
        .trim()
        .toLowerCase()
        .split(/[\s(;,]/)[0];
const host = (value) =>
  String(value ?? '')
    .trim()
    .toLowerCase()
    .replace(/\.$/, '');

function sameHost(expected, got) {
  const a = host(expected);
  const b = host(got);
  if (a === '' || b === '') return false;
  if (a === b) return true;
  // "EXCH02" for "EXCH02.contoso.local", or the other way round.
  return a.split('.')[0] === b.split('.')[0] && (!a.includes('.') || !b.includes('.'));
}

function scoreDelay(expected, data) {
  const got = data.largestDelay;
  const gotBy = got ? data.hops[got.hop]?.by : undefined;
  const shown = got ? `${gotBy ?? '?'} ${got.seconds}s` : 'null';
  if (expected === null || expected === undefined) {
    return { ok: !got || got.seconds < TOLERANCE, expected: 'null', got: shown };
  }
  const ok =
    Boolean(got) && sameHost(expected.by, gotBy) && Math.abs(got.seconds - Number(expected.seconds)) <= TOLERANCE;
  return { ok, expected: `${expected.by} ${expected.seconds}s`, got: shown };
}

function scoreAuth(expected, data) {
  const diffs = [];
  const auth = data.auth ?? {};
  for (const [key, want] of Object.entries(expected ?? {})) {
    let got;
    if (key === 'compauthReason') got = auth.compauth?.reason ?? null;
    else if (['spf', 'dkim', 'dmarc', 'compauth', 'arc'].includes(key)) got = auth[key]?.result ?? null;
    else continue;
    const ok =
      key === 'compauthReason' ? norm(want) === norm(got) || (want === null && got === null) : norm(want) === norm(got);
    if (!ok) diffs.push(`${key}: expected ${want === null ? 'null' : want}, got ${got === null ? 'null' : got}`);
  }
  return { ok: diffs.length === 0, diffs };
}

async function main() {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const items = files.flatMap((f) => YAML.parse(readFileSync(join(dir, f), 'utf8')) ?? []);
  let delayOk = 0;
  let authOk = 0;
  let bothOk = 0;
  let hopsOk = 0;
  let skewOk = 0;
  for (const item of items) {
    const reply = await analyseHeadersReply(String(item.paste ?? ''));
    const data = reply.data;
    const expected = item.expected ?? {};
    const delay = scoreDelay(expected.largestDelay, { hops: data.hops ?? [], largestDelay: data.largestDelay ?? null });
    const auth = scoreAuth(expected.auth, data);
    if (delay.ok) delayOk += 1;
    if (auth.ok) authOk += 1;
    if (delay.ok && auth.ok) bothOk += 1;
    // Not scored, shown: the hop count and whether skew was called.
    const hopCount = (data.hops ?? []).length;
    if (expected.hops === undefined || Number(expected.hops) === hopCount) hopsOk += 1;
    const skew = reply.findings.some((f) => f.id === 'headers.skew');
    if (expected.skew === undefined || Boolean(expected.skew) === skew) skewOk += 1;
    const mark = delay.ok && auth.ok ? 'PASS' : 'MISS';
    console.log(
      `${mark} ${item.id} [${item.shape ?? '?'}] delay ${delay.ok ? 'ok' : `expected ${delay.expected}, got ${delay.got}`}; auth ${auth.ok ? 'ok' : auth.diffs.join('; ')}`,
    );
    if (
      verbose ||
      !(delay.ok && auth.ok) ||
      (expected.hops !== undefined && Number(expected.hops) !== hopCount) ||
      (expected.skew !== undefined && Boolean(expected.skew) !== skew)
    ) {
      console.log(
        `     hops expected ${expected.hops ?? '?'}, got ${hopCount}; skew expected ${expected.skew ?? '?'}, got ${skew}; title: ${reply.title}`,
      );
    }
  }
  const pct = (n) => (items.length === 0 ? '0.0' : ((100 * n) / items.length).toFixed(1));
  console.log('');
  console.log(
    `items ${items.length} · largest delay right ${delayOk} (${pct(delayOk)}%) · auth right ${authOk} (${pct(authOk)}%) · both right ${bothOk} (${pct(bothOk)}%)`,
  );
  console.log(
    `not scored: hop count right ${hopsOk} (${pct(hopsOk)}%) · skew called as expected ${skewOk} (${pct(skewOk)}%)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
