import { request } from 'node:https';
import { DiagError } from '../core/errors';
import { resolveChecked, type NetContext } from '../net/connect';
import { withDeadline } from '../net/deadline';

/** RFC 8461 does not fix a size; real policies are a few hundred bytes. Larger answers are refused. */
export const POLICY_SIZE_LIMIT = 64 * 1024;

export interface PolicyFetch {
  url: string;
  address: string;
  body: string;
}

export interface PolicyFetchOptions {
  net: NetContext;
  /** Root certificates (PEM) to validate against: Node's bundled roots plus tls.extraCaFiles. */
  ca: readonly string[];
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Fetches `https://mta-sts.<domain>/.well-known/mta-sts.txt` as RFC 8461 §3.3 says senders do: the
 * host through the target policy (resolved once), full certificate validation for the name, no
 * redirects, a 200 only, a size limit and a deadline. Failures are `DiagError`s naming the step.
 */
export async function fetchMtaStsPolicy(domain: string, options: PolicyFetchOptions): Promise<PolicyFetch> {
  const host = `mta-sts.${domain}`;
  const url = `https://${host}/.well-known/mta-sts.txt`;
  const { address } = await resolveChecked(host, options.net);
  const body = await withDeadline(
    `the MTA-STS policy from ${url}`,
    options.timeoutMs,
    (signal) =>
      new Promise<string>((resolve, reject) => {
        const req = request(
          {
            host: address,
            port: 443,
            path: '/.well-known/mta-sts.txt',
            method: 'GET',
            servername: host,
            headers: { host, 'user-agent': 'diagbot' },
            ca: [...options.ca],
            rejectUnauthorized: true,
            signal,
            agent: false,
          },
          (res) => {
            if (res.statusCode !== 200) {
              res.resume();
              const where = res.headers.location
                ? ` (redirect to ${res.headers.location.slice(0, 120)}; senders do not follow redirects)`
                : '';
              reject(
                new DiagError(
                  'mail.mta-sts.policy-unreachable',
                  `${url} answered HTTP ${res.statusCode ?? '?'}${where}.`,
                  { data: { url, status: res.statusCode } },
                ),
              );
              return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > POLICY_SIZE_LIMIT) {
                req.destroy();
                reject(
                  new DiagError(
                    'mail.mta-sts.policy-unreachable',
                    `${url} is larger than ${POLICY_SIZE_LIMIT / 1024} KiB; a policy is a few lines.`,
                    { data: { url } },
                  ),
                );
                return;
              }
              chunks.push(chunk);
            });
            res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
            res.on('error', reject);
          },
        );
        req.on('error', (error) =>
          reject(
            new DiagError('mail.mta-sts.policy-unreachable', `${url}: ${describe(error)}.`, {
              cause: error,
              data: { url },
            }),
          ),
        );
        req.end();
      }),
  );
  return { url, address, body };
}

function describe(error: Error): string {
  const code = (error as { code?: string }).code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS_CERT_ALTNAME/.test(code))
    return `the certificate is not valid for this name (${code}: ${error.message})`;
  if (code === 'ECONNREFUSED') return 'nothing listens on port 443';
  return error.message;
}
