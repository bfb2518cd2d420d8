import { DiagError } from '../core/errors';
import type { NetContext } from '../net/connect';
import { analyzeChain } from './analyze';
import { createParseCache, type ParsedCert } from './cert-info';
import { loadAsn1 } from './der-fields';
import { createLimiter, type Limiter } from './limit';
import { isIpAddress } from './names';
import { probeTls } from './probe';
import { loadTrustStore, type TrustStore } from './trust-store';
import type { CertAnalysis, ProbeResult, TlsMode } from './types';

/** The `tls` slice of the configuration. */
export interface CertCheckConfig {
  extraCaFiles: readonly string[];
  expiryWarningDays: number;
  concurrency: number;
}

export interface CertCheckRequest {
  host: string;
  port: number;
  mode: TlsMode;
  /** `--name`: the name to present (SNI) and verify instead of `host`. */
  name?: string;
  /** The NAME of `--expr msstd:NAME`. */
  expr?: string;
  signal?: AbortSignal;
}

export interface CertCheckResult {
  probe: ProbeResult;
  analysis: CertAnalysis;
}

export interface CertChecker {
  check(request: CertCheckRequest): Promise<CertCheckResult>;
  /** Checks running and waiting (bounded by `tls.concurrency`). */
  readonly limiter: Limiter;
}

export interface CertCheckerDeps {
  net: NetContext;
  config: CertCheckConfig;
  now: () => Date;
  /** Replaces the bundled roots + extra CA files (tests use a store with only their private root). */
  trustStore?: () => Promise<TrustStore>;
}

/**
 * The TLS engine's entry point: probe the server (through the target policy, with deadlines) and judge
 * the chain it sent. The trust store is loaded once, on the first check, so starting diagbot stays fast.
 */
export function createCertChecker(deps: CertCheckerDeps): CertChecker {
  const limiter = createLimiter(deps.config.concurrency);
  let parse: ((der: Buffer) => ParsedCert) | undefined;
  let store: Promise<TrustStore> | undefined;
  const trustStore = (): Promise<TrustStore> => {
    if (!store) {
      const loading = (deps.trustStore ?? (() => loadTrustStore(deps.config.extraCaFiles)))();
      // A failed load (an unreadable CA file) is retried next time instead of being remembered forever.
      loading.catch(() => {
        if (store === loading) store = undefined;
      });
      store = loading;
    }
    return store;
  };

  async function check(request: CertCheckRequest): Promise<CertCheckResult> {
    const reference = request.name ?? request.host;
    const servername = isIpAddress(reference) ? undefined : reference.toLowerCase().replace(/\.$/, '');
    const [asn1, trust] = await Promise.all([loadAsn1(), trustStore()]);
    const probe = await probeTls(
      { host: request.host, port: request.port },
      { mode: request.mode, servername, signal: request.signal },
      deps.net,
    );
    let sent: ParsedCert[];
    try {
      parse ??= createParseCache(asn1);
      sent = probe.chain.map(parse);
    } catch (error) {
      throw new DiagError(
        'cert.handshake-failed',
        `The server sent a certificate diagbot cannot parse (${(error as Error).message}).`,
        {
          cause: error,
          data: { step: 'parse-certificate' },
        },
      );
    }
    const analysis = analyzeChain(sent, trust, {
      reference,
      now: deps.now(),
      expiryWarningDays: deps.config.expiryWarningDays,
      expr: request.expr,
      chainSource: probe.chainSource,
    });
    return { probe, analysis };
  }

  return {
    check: (request) => limiter.run(() => check(request)),
    limiter,
  };
}
