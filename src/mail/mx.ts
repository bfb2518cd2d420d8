import type { MxRecord } from './types';

/** Hosted mail services recognised by their MX names. */
const PROVIDERS: Array<{ name: string; pattern: RegExp }> = [
  { name: 'Microsoft 365 (Exchange Online Protection)', pattern: /\.mail\.protection\.outlook\.com$|\.mx\.microsoft$/ },
  { name: 'Google Workspace', pattern: /(^|\.)aspmx\.l\.google\.com$|^aspmx\d?\.googlemail\.com$|^smtp\.google\.com$/ },
];

export function providerOf(host: string): string | undefined {
  return PROVIDERS.find((p) => p.pattern.test(host.toLowerCase()))?.name;
}

/** RFC 7505: one MX of preference 0 whose exchange is the root (`.`). */
export function isNullMx(records: readonly MxRecord[]): boolean {
  return records.some((r) => r.exchange === '' || r.exchange === '.');
}

/** MX hosts best first (lowest preference), then by name for a stable order. */
export function sortMx(records: readonly MxRecord[]): MxRecord[] {
  return [...records].sort((a, b) => a.preference - b.preference || a.exchange.localeCompare(b.exchange));
}
