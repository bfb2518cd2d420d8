#!/usr/bin/env node
'use strict';
/**
 * Generates src/kb/codes/win-names.generated.ts: the symbolic names of Win32 errors, HRESULTs,
 * NTSTATUS values and LDAP result codes, read from the mingw-w64 headers that Debian ships in the
 * `mingw-w64-common` package (winerror.h, ntstatus.h, mapicode.h, adserr.h, lmerr.h, wininet.h,
 * winhttp.h, winldap.h). Those headers are placed in the public domain by the mingw-w64 project.
 *
 * The output is committed, so neither CI nor a user needs the package; run this only to refresh it:
 *
 *   flock /tmp/apt.lock apt-get install -y mingw-w64-common
 *   node scripts/generate-codes.js [--include-dir /usr/share/mingw-w64/include] [--check]
 *
 * `--check` compares instead of writing and exits 1 when the committed file is out of date.
 */
const fs = require('node:fs');
const path = require('node:path');

const DEFAULT_INCLUDE = '/usr/share/mingw-w64/include';
const OUTPUT = path.join(__dirname, '..', 'src', 'kb', 'codes', 'win-names.generated.ts');

/** Names that are ranges, masks or helpers rather than codes. */
const SKIP_NAME = /(^FACILITY_|^SEVERITY_|_FIRST$|_LAST$|_BASE$|_MASK$|^__|^NO_ERROR$|^SEC_E_OK$|^S_OK$|^S_FALSE$)/;

function readHeader(dir, name) {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: install mingw-w64-common or pass --include-dir`);
  return fs.readFileSync(file, 'latin1');
}

/** One table: code → names, in the order they were first seen (the first is the preferred name). */
class Table {
  constructor() {
    this.map = new Map();
  }
  add(code, name) {
    if (SKIP_NAME.test(name)) return;
    const names = this.map.get(code);
    if (!names) this.map.set(code, [name]);
    else if (!names.includes(name)) names.push(name);
  }
  /** `code name|alias` lines, sorted by code. */
  serialise(format) {
    return [...this.map.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([code, names]) => `${format(code)} ${names.join('|')}`)
      .join('\n');
  }
}

const DEFINE = /^\s*#\s*define\s+([A-Z_][A-Z0-9_]*)\s+(.+?)\s*$/;

function defines(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = DEFINE.exec(line);
    if (m)
      out.push({
        name: m[1],
        body: m[2]
          .replace(/\/\*.*?\*\//g, '')
          .replace(/\/\/.*$/, '')
          .trim(),
      });
  }
  return out;
}

const hex32 = (s) => Number.parseInt(s, 16) >>> 0;

function generate(dir) {
  const win32 = new Table();
  const hresult = new Table();
  const ntstatus = new Table();
  const ldap = new Table();
  const facility = new Table();

  // MAPI first: for FACILITY_ITF codes (0x8004xxxx) the MAPI meaning is the one mail admins meet.
  for (const { name, body } of defines(readHeader(dir, 'mapicode.h'))) {
    const m = /^MAKE_MAPI_([ES])\((0x[0-9A-Fa-f]+)\)$/.exec(body);
    if (m) hresult.add(((m[1] === 'E' ? 0x80040000 : 0x00040000) | Number.parseInt(m[2], 16)) >>> 0, name);
  }

  const bases = { WSABASEERR: 10000, NERR_BASE: 2100, INTERNET_ERROR_BASE: 12000, WINHTTP_ERROR_BASE: 12000 };
  const winHeaders = ['winerror.h', 'adserr.h', 'lmerr.h', 'wininet.h', 'winhttp.h'];
  for (const header of winHeaders) {
    for (const { name, body } of defines(readHeader(dir, header))) {
      let m;
      if (
        (m = /^_HRESULT_TYPEDEF_\((0x[0-9A-Fa-f]{1,8})L?\)$/.exec(body)) ||
        (m = /^\(\(HRESULT\)(0x[0-9A-Fa-f]{1,8})L?\)$/.exec(body))
      ) {
        const value = hex32(m[1].slice(2));
        if (value !== 0) hresult.add(value, name);
      } else if ((m = /^__MSABI_LONG\((0x[0-9A-Fa-f]{8})\)$/.exec(body))) {
        const value = hex32(m[1].slice(2));
        if (value >= 0x80000000) hresult.add(value, name);
      } else if ((m = /^__MSABI_LONG\(([0-9]+)\)$/.exec(body)) || (m = /^([0-9]+)L?$/.exec(body))) {
        const value = Number(m[1]);
        if (value > 0 && value < 0x10000 && /^(ERROR_|WSA|RPC_|EPT_|DNS_|NERR_|ERROR$)/.test(name))
          win32.add(value, name);
        else if (
          value > 0 &&
          value < 0x10000 &&
          header === 'winerror.h' &&
          !/^(FACILITY|SEVERITY)/.test(name) &&
          /_/.test(name)
        )
          win32.add(value, name);
      } else if ((m = /^\(\s*([A-Z_]+)\s*\+\s*([0-9]+)\s*\)$/.exec(body)) && bases[m[1]] !== undefined) {
        win32.add(bases[m[1]] + Number(m[2]), name);
      }
    }
  }

  for (const { name, body } of defines(readHeader(dir, 'winerror.h'))) {
    const m = /^FACILITY_([A-Z0-9_]+)$/.exec(name);
    if (m && /^[0-9]+$/.test(body)) facility.map.set(Number(body), [...(facility.map.get(Number(body)) ?? []), m[1]]);
  }

  for (const { name, body } of defines(readHeader(dir, 'ntstatus.h'))) {
    const m = /^\(\(NTSTATUS\)\s*(0x[0-9A-Fa-f]{1,8})L?\)$/.exec(body);
    if (m) {
      const value = hex32(m[1].slice(2));
      if (value !== 0) ntstatus.add(value, name);
    }
  }

  const ldapText = readHeader(dir, 'winldap.h');
  const enumBody = /typedef enum \{([^}]*)\}\s*LDAP_RETCODE/.exec(ldapText);
  if (!enumBody) throw new Error('winldap.h: LDAP_RETCODE enum not found');
  for (const part of enumBody[1].split(',')) {
    const m = /^\s*(LDAP_[A-Z0-9_]+)\s*=\s*(0x[0-9A-Fa-f]+|[0-9]+)\s*$/.exec(part);
    if (m) ldap.add(Number(m[2]), m[1]);
  }

  const hex = (v) => v.toString(16).toUpperCase().padStart(8, '0');
  const tables = {
    WIN32_NAMES: win32.serialise(String),
    HRESULT_NAMES: hresult.serialise(hex),
    NTSTATUS_NAMES: ntstatus.serialise(hex),
    LDAP_NAMES: ldap.serialise(String),
    FACILITY_NAMES: facility.serialise(String),
  };
  const counts = { win32: win32.map.size, hresult: hresult.map.size, ntstatus: ntstatus.map.size, ldap: ldap.map.size };
  const lines = [
    '/**',
    ' * GENERATED by scripts/generate-codes.js from the mingw-w64 headers (public domain) shipped in',
    ` * Debian's mingw-w64-common package. Do not edit by hand; run the script to refresh it.`,
    ` * Codes: ${counts.win32} Win32, ${counts.hresult} HRESULT, ${counts.ntstatus} NTSTATUS, ${counts.ldap} LDAP.`,
    ' * Format: one `code NAME|ALIAS…` per line (Win32, LDAP and facilities in decimal, the others as 8 hex digits).',
    ' */',
  ];
  for (const [name, body] of Object.entries(tables)) {
    lines.push('', `export const ${name} = \`${body}\`;`);
  }
  return { text: `${lines.join('\n')}\n`, counts };
}

function main(argv) {
  let dir = DEFAULT_INCLUDE;
  let check = false;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--include-dir') dir = argv[++i];
    else if (argv[i] === '--check') check = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  const { text, counts } = generate(dir);
  if (check) {
    const current = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(
        `${path.relative(process.cwd(), OUTPUT)} is out of date: run node scripts/generate-codes.js\n`,
      );
      return 1;
    }
    process.stdout.write('generated code table is up to date\n');
    return 0;
  }
  fs.writeFileSync(OUTPUT, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), OUTPUT)} (${JSON.stringify(counts)})\n`);
  return 0;
}

module.exports = { generate, DEFAULT_INCLUDE, OUTPUT };

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`generate-codes: ${error.message}\n`);
    process.exitCode = 1;
  }
}
