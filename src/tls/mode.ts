import type { TlsMode } from './types';

/** `--starttls` values. */
export type StarttlsChoice = 'smtp' | 'imap' | 'pop3' | 'none';

const PORT_MODES: Record<number, TlsMode> = {
  25: 'starttls-smtp',
  587: 'starttls-smtp',
  2525: 'starttls-smtp',
  143: 'starttls-imap',
  110: 'starttls-pop3',
};

const SCHEME_MODES: Record<string, TlsMode> = {
  smtp: 'starttls-smtp',
  submission: 'starttls-smtp',
  imap: 'starttls-imap',
  pop3: 'starttls-pop3',
};

/**
 * How to reach the certificate: an explicit `--starttls` wins, then a pasted URL's scheme (`smtp://`),
 * then the port (25/587/2525 SMTP, 143 IMAP, 110 POP3); everything else — 443, 465, 993, 995, 636 … —
 * is implicit TLS.
 */
export function modeFor(port: number, starttls?: StarttlsChoice, scheme?: string): TlsMode {
  if (starttls === 'none') return 'tls';
  if (starttls !== undefined) return `starttls-${starttls}`;
  const fromScheme = scheme ? SCHEME_MODES[scheme] : undefined;
  return fromScheme ?? PORT_MODES[port] ?? 'tls';
}
