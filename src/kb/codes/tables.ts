import { FACILITY_NAMES, HRESULT_NAMES, LDAP_NAMES, NTSTATUS_NAMES, WIN32_NAMES } from './win-names.generated';

/** Names by code and codes by name for one generated table, parsed on first use. */
export interface NameTable {
  names(code: number): readonly string[] | undefined;
  codeOf(name: string): number | undefined;
  readonly size: number;
}

function parseTable(text: string, radix: 10 | 16): NameTable {
  const byCode = new Map<number, string[]>();
  const byName = new Map<string, number>();
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const code = Number.parseInt(line.slice(0, space), radix);
    const names = line.slice(space + 1).split('|');
    byCode.set(code, names);
    for (const name of names) if (!byName.has(name)) byName.set(name, code);
  }
  return {
    names: (code) => byCode.get(code),
    codeOf: (name) => byName.get(name),
    size: byCode.size,
  };
}

let cache:
  { win32: NameTable; hresult: NameTable; ntstatus: NameTable; ldap: NameTable; facility: NameTable } | undefined;

/** The generated Win32, HRESULT, NTSTATUS and LDAP name tables (parsed once, ~5,000 codes). */
export function tables(): NonNullable<typeof cache> {
  cache ??= {
    win32: parseTable(WIN32_NAMES, 10),
    hresult: parseTable(HRESULT_NAMES, 16),
    ntstatus: parseTable(NTSTATUS_NAMES, 16),
    ldap: parseTable(LDAP_NAMES, 10),
    facility: parseTable(FACILITY_NAMES, 10),
  };
  return cache;
}

/** `0x` + 8 upper-case hex digits (`0x800706BA`), how HRESULTs and NTSTATUS values are shown. */
export function hex8(value: number): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** The signature key of a 32-bit code: kind and lower-case hex (`hresult:0x800706ba`). */
export function key32(kind: 'hresult' | 'ntstatus', value: number): string {
  return `${kind}:${hex8(value).toLowerCase()}`;
}
