import { matches } from './limit';
import type { Found } from './types';

/**
 * Schannel's System-log events (source Schannel, ids 36870-36888). The alert number inside 36887/36888
 * (`The TLS protocol defined fatal alert code is 40`) is decoded by the TLS decoder as `tls:alert:40`.
 */

export const SCHANNEL_EVENTS: Record<number, string> = {
  36870:
    "a fatal error occurred when accessing the TLS server credential private key: the service cannot read the certificate's private key (permissions, or a key that is missing or not exportable to that account)",
  36871:
    'a fatal error occurred while creating a TLS client or server credential (no usable certificate, or the protocols/ciphers enabled leave nothing in common; internal error state 10013 is the usual form)',
  36874: "a TLS connection request arrived but none of the client's cipher suites is enabled on the server",
  36882: 'the certificate received from the remote server was issued by an untrusted certificate authority',
  36884: 'the certificate received from the remote server does not contain the expected name',
  36886:
    'no suitable default server credential exists: the server has no certificate for TLS (e.g. the DC has no certificate for LDAPS)',
  36887:
    'a fatal alert was received from the remote endpoint: the other side rejected the handshake (the alert code says why)',
  36888:
    'a fatal alert was generated and sent to the remote endpoint: this side rejected the handshake (the alert code says why)',
};

const EVENT = /\b(3687[0-9]|3688[0-9])\b/g;
const CONTEXT = /schannel|\btls\b|\bssl\b|event ?id|secure channel|fatal alert/i;

/** Every regex here, for the static backtracking check in the tests. */
export const SCHANNEL_PATTERNS: readonly RegExp[] = [EVENT, CONTEXT];

export function findSchannelCodes(text: string): Found[] {
  if (!text.includes('368') || !CONTEXT.test(text)) return [];
  const out: Found[] = [];
  for (const m of matches(text, EVENT)) {
    const id = Number(m[1]);
    const meaning = SCHANNEL_EVENTS[id];
    if (!meaning) continue;
    out.push({
      kind: 'schannel',
      raw: m[0],
      value: `event:${id}`,
      name: `Schannel event ${id}`,
      meaning: `Schannel event ${id}: ${meaning}.`,
      parts: { event: id },
      keys: [`schannel:event:${id}`],
      index: m.index,
      end: m.index + m[0].length,
    });
  }
  return out;
}
