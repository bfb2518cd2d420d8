import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { DiagError, isFindingError } from '../../src/core/errors';
import { createDnsClient, memoLookups, parseDnsServers, type DnsClient } from '../../src/dns';
import { checkMailDomain, type MailCheckRequest, type MailPosture, type MxProbeResult } from '../../src/mail/check';
import { fetchMtaStsPolicy } from '../../src/mail/fetch-policy';
import type { MailDns } from '../../src/mail/types';
import type { NetContext } from '../../src/net/connect';
import type { Resolver } from '../../src/net/resolver';
import type { CertChecker } from '../../src/tls/check';
import type { TrustStore } from '../../src/tls/trust-store';
import type { CommandDeps } from '../deps';

/** The composed check `mail` runs: the DNS engine, the mail engine and the TLS engine, wired per run. */
export interface MailEngine {
  check(request: MailCheckRequest, signal?: AbortSignal): Promise<MailPosture>;
}

/** A resolver for the net layer that answers from the run's DNS lookups, so a host is looked up once. */
function resolverFrom(dns: MailDns): Resolver {
  return {
    async resolve(hostname) {
      const lookup = await dns.addresses(hostname);
      if (lookup.records.length === 0) {
        throw Object.assign(new Error(`${hostname}: ${lookup.reason ?? lookup.status}`), {
          code: lookup.status === 'nxdomain' || lookup.status === 'nodata' ? 'ENOTFOUND' : 'EAI_AGAIN',
        });
      }
      return lookup.records.map((address) => ({
        address,
        family: address.includes(':') ? (6 as const) : (4 as const),
      }));
    },
  };
}

/**
 * Wires the engines for `mail`: one DNS client for the configured servers, and per run a memo of its
 * answers that both the mail engine and the TLS engine (through the net layer's resolver) read; the
 * trust store and the CA list for MTA-STS are loaded once, on first use.
 */
export function createMailEngine(deps: CommandDeps): MailEngine {
  let client: DnsClient | undefined;
  let trust: Promise<TrustStore> | undefined;
  let ca: Promise<string[]> | undefined;
  const extraCaFiles = deps.config.tls.extraCaFiles;

  const dnsClient = (): DnsClient => {
    if (!client) {
      try {
        client = createDnsClient({
          servers: parseDnsServers(deps.config.dns.servers),
          timeoutMs: deps.config.dns.timeoutMs,
        });
      } catch (error) {
        throw new DiagError('config.invalid', (error as Error).message, {
          fix: { summary: 'Set dns.servers (DIAGBOT_DNS_SERVERS) to resolver addresses, e.g. 10.0.0.53,10.0.0.54:53.' },
        });
      }
    }
    return client;
  };
  const trustStore = (): Promise<TrustStore> => {
    trust ??= import('../../src/tls/trust-store').then(({ loadTrustStore }) => loadTrustStore(extraCaFiles));
    return trust;
  };
  const caList = (): Promise<string[]> => {
    ca ??= Promise.all(extraCaFiles.map((file) => readFile(file, 'utf8'))).then((extra) => [
      ...rootCertificates,
      ...extra,
    ]);
    return ca;
  };

  return {
    async check(request, signal) {
      const dns = memoLookups(dnsClient());
      const net: NetContext = { ...deps.net, resolver: resolverFrom(dns) };
      // The TLS engine (and node-forge behind it) loads on first use so `diagbot --json help` stays fast.
      const { createCertChecker } = await import('../../src/tls/check');
      const certs: CertChecker = createCertChecker({ net, config: deps.config.tls, now: deps.now, trustStore });
      const probeMx = async (host: string): Promise<MxProbeResult> => {
        try {
          const { probe, analysis } = await certs.check({ host, port: 25, mode: 'starttls-smtp', signal });
          return {
            ok: true,
            protocol: probe.protocol,
            chain: probe.chain,
            certIds: analysis.issues.map((i) => i.id),
            trusted: analysis.trusted,
            daysRemaining: analysis.daysRemaining,
            certificate: {
              trusted: analysis.trusted,
              daysRemaining: analysis.daysRemaining,
              protocol: probe.protocol,
              cipher: probe.cipher,
              address: probe.address,
              chain: analysis.chain,
              nameMatch: analysis.nameMatch,
              issues: analysis.issues.map((i) => i.id),
            },
          };
        } catch (error) {
          if (!isFindingError(error)) throw error;
          return { ok: false, code: error.code, message: error.message };
        }
      };
      const fetchPolicy = async (domain: string): Promise<{ url: string; body: string }> =>
        fetchMtaStsPolicy(domain, { net, ca: await caList(), timeoutMs: deps.config.timeouts.stepMs, signal });
      return checkMailDomain(request, {
        dns,
        probeMx,
        fetchPolicy,
        expiryWarningDays: deps.config.tls.expiryWarningDays,
      });
    },
  };
}
