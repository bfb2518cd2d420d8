import { matches } from './limit';
import { SSPI_MEANINGS } from './sspi';
import { hex8, key32, tables } from './tables';
import type { Found } from './types';

/**
 * Windows codes: HRESULTs in every spelling admins paste (`0x80070005`, `80070005h`, `-2147024891`,
 * `2147942405`, a bare `80070005` when it is a known code), NTSTATUS values, Win32 error numbers
 * named by context (`error 1722`, `Winsock error code: 10060`) and symbolic names (`E_ACCESSDENIED`).
 */

/** Structure and names of an HRESULT; facility-7 HRESULTs also carry the Win32 code inside. */
export function describeHresult(value: number, raw: string, index: number, end: number): Found {
  const t = tables();
  const facility = (value >>> 16) & 0x7ff;
  const code = value & 0xffff;
  const names = t.hresult.names(value);
  const parts: Record<string, string | number> = {
    severity: value >>> 31 === 1 ? 'failure' : 'success',
    facility,
    facilityName: t.facility.names(facility)?.[0] ?? 'unknown',
    code,
  };
  const keys = [key32('hresult', value)];
  let name = names?.[0];
  if (facility === 7 && value >>> 31 === 1) {
    const win32Name = t.win32.names(code)?.[0];
    parts.win32 = code;
    if (win32Name) parts.win32Name = win32Name;
    name ??= win32Name ? `HRESULT_FROM_WIN32(${win32Name})` : undefined;
    keys.push(`win32:${code}`);
    if (isWinHttp(code)) keys.push(`winhttp:${code}`);
  }
  // SSPI (facility 9, SEC_E_* / SEC_I_*): its own kind, with the HRESULT key kept for older entries.
  if (facility === 9 && name?.startsWith('SEC_')) {
    const sspi = SSPI_MEANINGS[value >>> 0];
    return {
      kind: 'sspi',
      raw,
      value: hex8(value),
      name,
      meaning: sspi ? `SSPI: ${sspi}.` : undefined,
      parts,
      keys: [`sspi:${hex8(value).toLowerCase()}`, ...keys],
      index,
      end,
    };
  }
  const meaning = name
    ? undefined
    : `${parts.severity === 'failure' ? 'A failure' : 'A success code'} from facility ${parts.facilityName} (${facility}), code ${code}.`;
  return { kind: 'hresult', raw, value: hex8(value), name, meaning, parts, keys, index, end };
}

/** Structure and name of an NTSTATUS value (`0xC000006D` STATUS_LOGON_FAILURE). */
export function describeNtstatus(value: number, raw: string, index: number, end: number): Found {
  const severities = ['success', 'informational', 'warning', 'error'];
  const parts = {
    severity: severities[value >>> 30] ?? 'error',
    facility: (value >>> 16) & 0xfff,
    code: value & 0xffff,
  };
  const name = tables().ntstatus.names(value)?.[0];
  return { kind: 'ntstatus', raw, value: hex8(value), name, parts, keys: [key32('ntstatus', value)], index, end };
}

/** WinHTTP and WinINet errors share the Win32 range 12001-12199 (`ERROR_WINHTTP_SECURE_FAILURE` = 12175). */
function isWinHttp(code: number): boolean {
  return code > 12000 && code < 12200;
}

/** A Win32 error number with its symbolic name; WinHTTP/WinINet numbers get their own kind and key. */
export function describeWin32(code: number, raw: string, index: number, end: number): Found {
  const names = tables().win32.names(code);
  // WinHTTP's name first when both libraries use the number: that is what PowerShell and .NET report.
  const name = names?.find((n) => n.startsWith('ERROR_WINHTTP_')) ?? names?.[0];
  if (isWinHttp(code) && names !== undefined) {
    return { kind: 'winhttp', raw, value: String(code), name, keys: [`winhttp:${code}`, `win32:${code}`], index, end };
  }
  return { kind: 'win32', raw, value: String(code), name, keys: [`win32:${code}`], index, end };
}

/** An 8-hex-digit value: HRESULT or NTSTATUS, whichever table knows it (NTSTATUS errors start with C). */
function classify32(value: number, raw: string, index: number, end: number, requireKnown: boolean): Found | undefined {
  const t = tables();
  const top = value >>> 28;
  const hresultKnown = t.hresult.names(value) !== undefined;
  const ntKnown = t.ntstatus.names(value) !== undefined;
  const win32Inside =
    ((value >>> 16) & 0x7ff) === 7 && value >>> 31 === 1 && t.win32.names(value & 0xffff) !== undefined;
  if (top >= 0xc && (ntKnown || (!hresultKnown && !requireKnown))) return describeNtstatus(value, raw, index, end);
  if (hresultKnown || win32Inside) return describeHresult(value, raw, index, end);
  if (ntKnown) return describeNtstatus(value, raw, index, end);
  if (requireKnown || value < 0x80000000) return undefined;
  return describeHresult(value, raw, index, end);
}

// No lookbehind (the static checker cannot read it): a leading `(?:^|[^\w.])` stands in, and the
// code itself is the last capture group, so its offset is the match's end minus its length.
const HEX_0X = /(?:^|[^\w.])(0x([0-9a-f]{1,8}))\b/gi;
// `80070005h` and a bare `80070005` in one pass; `-2147024891` and `2147942405` in another.
const HEX8 = /(?:^|[^\w.-])(([0-9a-f]{8})(h?))(?![\w-]|\.\w)/gi;
const DECIMAL10 = /(?:^|[^\w.])(-?(\d{10}))(?!\w|\.\d)/g;
const WIN32_CONTEXT =
  /\b(win32 error|system error|error code|errorcode|last ?error|error|status code)[\s:=#(]{1,3}(0x[0-9a-f]{1,4}|\d{1,5})\b/gi;
const SYMBOL = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]{2,60}\b/g;
const CONTEXT_WORDS = /error|status|code/;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** Whether the text holds `length` characters of a class in a row: a scan by hand, cheaper than a regex tried at every position. */
function hasRun(text: string, of: (c: number) => boolean, length: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i += 1) {
    run = of(text.charCodeAt(i)) ? run + 1 : 0;
    if (run >= length) return true;
  }
  return false;
}

/** Every regex here, for the static backtracking check in the tests. */
export const WINDOWS_PATTERNS: readonly RegExp[] = [HEX_0X, HEX8, DECIMAL10, WIN32_CONTEXT, SYMBOL, CONTEXT_WORDS];

/** The code's own text and offsets inside a match that may start with one boundary character. */
function span(m: RegExpMatchArray): { raw: string; digits: string; start: number; end: number } {
  const raw = m[1] as string;
  const start = (m.index as number) + m[0].length - raw.length;
  return { raw, digits: m[2] as string, start, end: start + raw.length };
}

export function findWindowsCodes(text: string, lower: string = text.toLowerCase()): Found[] {
  const out: Found[] = [];
  const push = (found: Found | undefined): void => {
    if (found) out.push(found);
  };
  if (lower.includes('0x')) {
    for (const m of matches(text, HEX_0X)) {
      const { raw, digits, start, end } = span(m);
      if (digits.length < 8) continue; // short hex is a Win32 code only with context (below)
      push(classify32(Number.parseInt(digits, 16) >>> 0, raw, start, end, false));
    }
  }
  // HEX8 and DECIMAL10 start with a character class tried at every position: gated by their digit runs.
  for (const m of hasRun(text, isHex, 8) ? matches(text, HEX8) : []) {
    const { raw, digits, start, end } = span(m);
    const suffixed = m[3] === 'h' || m[3] === 'H';
    // A bare 8-digit word counts only when it is a known code; `…h` is an HRESULT by its spelling.
    if (!suffixed && (!/[0-9]/.test(digits) || !/^[89a-fA-F]/.test(digits))) continue;
    push(classify32(Number.parseInt(digits, 16) >>> 0, raw, start, end, !suffixed));
  }
  for (const m of hasRun(text, isDigit, 10) ? matches(text, DECIMAL10) : []) {
    const { raw, digits, start, end } = span(m);
    const value = Number(digits);
    if (raw.startsWith('-')) {
      if (value <= 2 ** 31) push(classify32((2 ** 32 - value) >>> 0, raw, start, end, false));
    } else if (value >= 2 ** 31 && value < 2 ** 32) {
      push(classify32(value, raw, start, end, true));
    }
  }
  if (!CONTEXT_WORDS.test(lower)) return symbols(text, out);
  for (const m of matches(text, WIN32_CONTEXT)) {
    const context = m[1] as string;
    const spelled = m[2] as string;
    const code = spelled.toLowerCase().startsWith('0x') ? Number.parseInt(spelled.slice(2), 16) : Number(spelled);
    if (code === 0 || tables().win32.names(code) === undefined) continue;
    if (!plainErrorIsWin32(context, spelled, code, text, m.index + m[0].length)) continue;
    const start = m.index + m[0].length - spelled.length;
    out.push(describeWin32(code, spelled, start, start + spelled.length));
  }
  return symbols(text, out);
}

/**
 * A bare `error N` is a Win32 error only when it looks like one: `ERROR 1` or `error 3 of 7` in an
 * application log is a log level or a counter. Named contexts (`Win32 error`, `System error`, `error code`)
 * and hex spellings always count; plain `error` counts for numbers of three digits or more, or for a small
 * number followed by a colon or a message in the Windows style (`Error 5: Access is denied`).
 */
function plainErrorIsWin32(context: string, spelled: string, code: number, text: string, end: number): boolean {
  if (context.toLowerCase() !== 'error' && context.toLowerCase() !== 'status code') return true;
  if (spelled.toLowerCase().startsWith('0x')) return true;
  if (/^[:)] ?[A-Z]/.test(text.slice(end, end + 3))) return true;
  if (context === 'ERROR') return false; // upper case without a message: a log level
  return code >= 100;
}

/** Symbolic names pasted as such: `E_ACCESSDENIED`, `STATUS_LOGON_FAILURE`, `ERROR_LOGON_FAILURE`. */
function symbols(text: string, out: Found[]): Found[] {
  if (!text.includes('_')) return out;
  for (const m of matches(text, SYMBOL)) {
    const symbol = m[0];
    const t = tables();
    const start = m.index;
    const end = start + symbol.length;
    const hr = t.hresult.codeOf(symbol);
    if (hr !== undefined) {
      out.push({ ...describeHresult(hr, symbol, start, end), name: symbol });
      continue;
    }
    const nt = t.ntstatus.codeOf(symbol);
    if (nt !== undefined) {
      out.push({ ...describeNtstatus(nt, symbol, start, end), name: symbol });
      continue;
    }
    const win32 = t.win32.codeOf(symbol);
    if (win32 !== undefined) out.push({ ...describeWin32(win32, symbol, start, end), name: symbol });
  }
  return out;
}
