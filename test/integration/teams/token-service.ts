import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import { listenInRange } from '../../helpers/bot-connector-capture';

/**
 * A stand-in for the Bot Framework token service on loopback: an OpenID configuration and a JWKS with one
 * RSA signing key (endorsed for `msteams`, as the real keys are), plus a signer for channel tokens. With
 * botbuilder's metadata URL pointed here, its own JWT validation runs against tokens the test can shape.
 */

export const CHANNEL_ISSUER = 'https://api.botframework.com';

export interface TokenService {
  metadataUrl: string;
  /** A token as the Bot Framework channel signs it, with the claims overridden as given. */
  channelToken(claims: Record<string, unknown>, options?: { key?: KeyObject; kid?: string }): string;
  /** A key the service does not publish, for forged tokens. */
  foreignKey: KeyObject;
  close(): Promise<void>;
}

const b64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

export async function startTokenService(ports: [number, number]): Promise<TokenService> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const kid = 'diagbot-test-key';
  const jwk = publicKey.export({ format: 'jwk' });
  let base = '';

  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') {
      res.end(
        JSON.stringify({
          issuer: CHANNEL_ISSUER,
          jwks_uri: `${base}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
    } else if (req.url === '/v1/.well-known/keys') {
      res.end(
        JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }),
      );
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  const port = await listenInRange(server, ports);
  base = `http://127.0.0.1:${port}`;

  return {
    metadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    foreignKey: foreign,
    channelToken(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const header = { alg: 'RS256', typ: 'JWT', kid: options.kid ?? kid };
      const payload = { iss: CHANNEL_ISSUER, nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims };
      const signing = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
      const signature = createSign('RSA-SHA256')
        .update(signing)
        .sign(options.key ?? privateKey);
      return `${signing}.${b64url(signature)}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
