import { isIP } from 'node:net';

/** An iPAddress SAN (4 or 16 octets) as canonical text; undefined for any other length. */
export function bytesToIp(raw: Buffer): string | undefined {
  if (raw.length === 4) return [...raw].join('.');
  if (raw.length !== 16) return undefined;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(raw.readUInt16BE(i).toString(16));
  return canonicalIpText(groups.join(':'));
}

/** Canonical text of an IP address (IPv6 compressed, lower case) so SAN entries and targets compare as strings. */
export function canonicalIpText(text: string): string {
  const bare = text.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare;
  if (isIP(bare) === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return bare.toLowerCase();
}
