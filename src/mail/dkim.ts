import { createPublicKey } from 'node:crypto';
import { parseTags } from './tags';

/** Selectors tried when none are named: Microsoft 365, Google Workspace and widespread providers' defaults. */
export const DEFAULT_SELECTORS = [
  'selector1',
  'selector2',
  'google',
  'default',
  'k1',
  's1',
  's2',
  'dkim',
  'mail',
] as const;

export interface DkimKey {
  selector: string;
  keyType: string;
  keyBits: number | null;
  revoked: boolean;
  testing: boolean;
  errors: string[];
}

/** Reads a DKIM key record (RFC 6376 §3.6.1) and measures its key; `p=` empty means revoked. */
export function parseDkimKey(selector: string, record: string): DkimKey {
  const { tags, errors } = parseTags(record);
  const version = tags.get('v');
  if (version !== undefined && version !== 'DKIM1') errors.push(`v=${version.slice(0, 20)} is not DKIM1`);
  const keyType = (tags.get('k') ?? 'rsa').toLowerCase();
  const testing = (tags.get('t') ?? '')
    .split(':')
    .map((f) => f.trim().toLowerCase())
    .includes('y');
  const p = tags.get('p');
  const key: DkimKey = { selector, keyType, keyBits: null, revoked: false, testing, errors };
  if (p === undefined) {
    errors.push('p= (the public key) is missing');
    return key;
  }
  const base64 = p.replace(/\s+/g, '');
  if (base64 === '') {
    key.revoked = true;
    return key;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    errors.push('p= is not base64');
    return key;
  }
  const der = Buffer.from(base64, 'base64');
  if (keyType === 'ed25519') {
    if (der.length === 32) key.keyBits = 256;
    else errors.push(`an ed25519 key is 32 bytes, this one ${der.length}`);
    return key;
  }
  if (keyType !== 'rsa') {
    errors.push(`k=${keyType.slice(0, 20)} is not rsa or ed25519`);
    return key;
  }
  try {
    const publicKey = createPublicKey({ key: der, format: 'der', type: 'spki' });
    key.keyBits = publicKey.asymmetricKeyDetails?.modulusLength ?? null;
    if (publicKey.asymmetricKeyType !== 'rsa')
      errors.push(`k=rsa but the key is ${publicKey.asymmetricKeyType ?? 'unknown'}`);
  } catch {
    try {
      // Some publish the bare RSAPublicKey instead of the SubjectPublicKeyInfo.
      const publicKey = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
      key.keyBits = publicKey.asymmetricKeyDetails?.modulusLength ?? null;
    } catch {
      errors.push('p= is not an RSA public key');
    }
  }
  return key;
}
