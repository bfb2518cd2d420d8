import { matches, MATCHES_PER_PATTERN } from './limit';
import type { Found } from './types';

/**
 * TLS and X.509 failures: OpenSSL verify results (`verify error:num=20`, `Verify return code: 21`,
 * `X509_V_ERR_…`), Node's error codes (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ERR_TLS_CERT_ALTNAME_INVALID`),
 * OpenSSL's error strings (`unable to get local issuer certificate`) and TLS alerts (`alert number 48`,
 * `tlsv1 alert unknown ca`).
 */

interface VerifyCode {
  name: string;
  meaning: string;
  /** Node's `err.code` for the same failure, when it has one. */
  node?: string;
  /** OpenSSL's error string, matched in the text (lower case). */
  phrases?: string[];
}

/** OpenSSL `X509_V_ERR_*` numbers (x509_vfy.h), in plain words. */
export const VERIFY_CODES: Record<number, VerifyCode> = {
  2: {
    name: 'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT',
    meaning: 'the issuer certificate of a certificate in the chain could not be found',
    node: 'UNABLE_TO_GET_ISSUER_CERT',
  },
  3: {
    name: 'X509_V_ERR_UNABLE_TO_GET_CRL',
    meaning: 'the certificate revocation list could not be found',
    node: 'UNABLE_TO_GET_CRL',
  },
  4: {
    name: 'X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE',
    meaning: 'the certificate signature could not be decrypted',
  },
  7: {
    name: 'X509_V_ERR_CERT_SIGNATURE_FAILURE',
    meaning: 'the certificate signature is invalid',
    node: 'CERT_SIGNATURE_FAILURE',
  },
  9: {
    name: 'X509_V_ERR_CERT_NOT_YET_VALID',
    meaning: 'the certificate is not yet valid (its notBefore date is in the future, or the clock is wrong)',
    node: 'CERT_NOT_YET_VALID',
    phrases: ['certificate is not yet valid'],
  },
  10: {
    name: 'X509_V_ERR_CERT_HAS_EXPIRED',
    meaning: 'the certificate has expired (or the clock is wrong)',
    node: 'CERT_HAS_EXPIRED',
    phrases: ['certificate has expired'],
  },
  13: { name: 'X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD', meaning: 'the certificate notBefore field is malformed' },
  14: { name: 'X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD', meaning: 'the certificate notAfter field is malformed' },
  18: {
    name: 'X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT',
    meaning: 'the server presented a self-signed certificate that is not trusted',
    node: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    phrases: ['self signed certificate', 'self-signed certificate'],
  },
  19: {
    name: 'X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN',
    meaning: 'the chain ends in a self-signed root that is not in the trust store',
    node: 'SELF_SIGNED_CERT_IN_CHAIN',
    phrases: ['self signed certificate in certificate chain', 'self-signed certificate in certificate chain'],
  },
  20: {
    name: 'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    meaning: 'the issuer of a certificate is not in the local trust store (missing root or intermediate)',
    node: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    phrases: ['unable to get local issuer certificate'],
  },
  21: {
    name: 'X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    meaning:
      'the server certificate could not be verified: usually the server does not send its intermediate certificate',
    node: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    phrases: ['unable to verify the first certificate'],
  },
  22: {
    name: 'X509_V_ERR_CERT_CHAIN_TOO_LONG',
    meaning: 'the certificate chain is longer than allowed',
    node: 'CERT_CHAIN_TOO_LONG',
  },
  23: {
    name: 'X509_V_ERR_CERT_REVOKED',
    meaning: 'the certificate has been revoked by its issuer',
    node: 'CERT_REVOKED',
    phrases: ['certificate revoked'],
  },
  24: {
    name: 'X509_V_ERR_INVALID_CA',
    meaning: 'a CA certificate in the chain is not valid as a CA',
    node: 'INVALID_CA',
  },
  26: {
    name: 'X509_V_ERR_INVALID_PURPOSE',
    meaning: 'the certificate may not be used for this purpose (key usage)',
    node: 'INVALID_PURPOSE',
  },
  27: {
    name: 'X509_V_ERR_CERT_UNTRUSTED',
    meaning: 'the root certificate is not trusted for this purpose',
    node: 'CERT_UNTRUSTED',
  },
  28: {
    name: 'X509_V_ERR_CERT_REJECTED',
    meaning: 'the root certificate is marked to reject this purpose',
    node: 'CERT_REJECTED',
  },
  62: {
    name: 'X509_V_ERR_HOSTNAME_MISMATCH',
    meaning: 'the certificate does not name the host that was connected to',
    node: 'HOSTNAME_MISMATCH',
  },
};

/** TLS alert descriptions (RFC 8446 section 6, RFC 5246 section 7.2). */
export const TLS_ALERTS: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  22: 'record_overflow',
  40: 'handshake_failure',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  113: 'bad_certificate_status_response',
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

const ALERT_MEANINGS: Record<number, string> = {
  40: 'the two sides share no protocol version, cipher suite or signature algorithm they both accept',
  42: 'the peer rejected the certificate it was given',
  45: 'the peer says the certificate it was given has expired',
  46: 'the peer could not accept the certificate it was given',
  48: 'the peer does not trust the CA that issued the certificate it was given',
  70: 'the peer does not support the TLS version that was offered (TLS 1.0/1.1 disabled on one side)',
  80: 'the peer failed internally during the handshake',
  112: 'the server does not know the name sent in SNI',
  116: 'the server requires a client certificate and none was sent',
};

const VERIFY_NUM =
  /\b(?:verify error:num=|verify return code: |verify result: |x509_v_err_code[ =:]{1,3})(\d{1,2})\b/gi;
const VERIFY_NAME = /\bX509_V_ERR_[A-Z_]{4,60}\b/g;
const NODE_CODE =
  /\b(?:UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|UNABLE_TO_GET_CRL|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_REVOKED|CERT_UNTRUSTED|CERT_REJECTED|CERT_SIGNATURE_FAILURE|CERT_CHAIN_TOO_LONG|INVALID_CA|INVALID_PURPOSE|HOSTNAME_MISMATCH|ERR_TLS_CERT_ALTNAME_INVALID)\b/g;
const ALERT_NUM = /\b(?:alert number|defined fatal alert code is) (\d{1,3})\b/gi;
const ALERT_NAME = /\b(?:sslv3|tlsv1|tlsv1\.[0-3]|tlsv13|ssl\/tls) alert ([a-z ]{2,40})/gi;

/** Every regex here, for the static backtracking check in the tests. */
export const TLS_PATTERNS: readonly RegExp[] = [VERIFY_NUM, VERIFY_NAME, NODE_CODE, ALERT_NUM, ALERT_NAME];

const byName = new Map<string, number>();
const byNode = new Map<string, number>();
for (const [num, code] of Object.entries(VERIFY_CODES)) {
  byName.set(code.name, Number(num));
  if (code.node) byNode.set(code.node, Number(num));
}
byNode.set('ERR_TLS_CERT_ALTNAME_INVALID', 62);
const alertByWords = new Map(Object.entries(TLS_ALERTS).map(([num, name]) => [name.replace(/_/g, ' '), Number(num)]));

function verifyCode(num: number, raw: string, index: number, end: number, name?: string): Found | undefined {
  const code = VERIFY_CODES[num];
  if (!code) return undefined;
  return {
    kind: 'tls',
    raw,
    value: `verify:${num}`,
    name: name ?? code.name,
    meaning: `${code.meaning}.`,
    parts: { verify: num, openssl: code.name },
    keys: [`tls:verify:${num}`],
    index,
    end,
  };
}

function alertCode(num: number, raw: string, index: number, end: number): Found {
  const name = TLS_ALERTS[num] ?? 'unknown alert';
  const meaning = ALERT_MEANINGS[num];
  return {
    kind: 'tls',
    raw,
    value: `alert:${num}`,
    name,
    meaning: meaning ? `TLS alert ${name}: ${meaning}.` : `TLS alert ${name}.`,
    parts: { alert: num },
    keys: [`tls:alert:${num}`],
    index,
    end,
  };
}

const PHRASES: Array<[string, number]> = Object.entries(VERIFY_CODES)
  .flatMap(([num, code]) => (code.phrases ?? []).map((p): [string, number] => [p, Number(num)]))
  .sort((a, b) => b[0].length - a[0].length); // longest first: "self signed certificate in certificate chain" before "self signed certificate"

export function findTlsCodes(text: string, lower: string): Found[] {
  const out: Found[] = [];
  const push = (found: Found | undefined): void => {
    if (found) out.push(found);
  };
  for (const m of lower.includes('verify') || lower.includes('x509_v_err_code') ? matches(text, VERIFY_NUM) : []) {
    const digits = m[1] as string;
    const start = m.index + m[0].length - digits.length;
    push(verifyCode(Number(digits), m[0], start, start + digits.length));
  }
  for (const m of text.includes('X509_V_ERR_') ? matches(text, VERIFY_NAME) : []) {
    const num = byName.get(m[0]);
    if (num !== undefined) push(verifyCode(num, m[0], m.index, m.index + m[0].length));
  }
  for (const m of text.includes('_') ? matches(text, NODE_CODE) : []) {
    const num = byNode.get(m[0]);
    if (num !== undefined) push(verifyCode(num, m[0], m.index, m.index + m[0].length, m[0]));
  }
  const claimed: Array<[number, number]> = [];
  for (const [phrase, num] of lower.includes('certificate') ? PHRASES : []) {
    let from = 0;
    for (;;) {
      const at = claimed.length < MATCHES_PER_PATTERN ? lower.indexOf(phrase, from) : -1;
      if (at === -1) break;
      from = at + phrase.length;
      if (claimed.some(([s, e]) => at < e && at + phrase.length > s)) continue;
      claimed.push([at, at + phrase.length]);
      push(verifyCode(num, text.slice(at, at + phrase.length), at, at + phrase.length));
    }
  }
  const alerts = lower.includes('alert');
  for (const m of alerts ? matches(text, ALERT_NUM) : []) {
    const digits = m[1] as string;
    const start = m.index + m[0].length - digits.length;
    out.push(alertCode(Number(digits), m[0], start, start + digits.length));
  }
  for (const m of alerts ? matches(text, ALERT_NAME) : []) {
    const words = (m[1] as string).toLowerCase();
    for (const [alertWords, num] of alertByWords) {
      if (words.startsWith(alertWords)) {
        out.push(alertCode(num, m[0], m.index, m.index + m[0].length));
        break;
      }
    }
  }
  return out;
}
