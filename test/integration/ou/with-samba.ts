import { runtimeInfo } from '../../../src/config/load';
import { createTargetPolicy } from '../../../src/net/policy';
import { tableResolver } from '../../../src/net/resolver';
import type { NetContext } from '../../../src/net/connect';
import type { DirectorySettings } from '../../../src/directory/settings';
import { DOMAIN, SERVICE_ACCOUNT, sambaMissing, startSamba, type SambaServer } from '../../helpers/samba';

/**
 * Runs `body` against a real Samba AD DC on `address`, started in beforeAll and stopped in afterAll.
 * Without Samba the suite skips with the reason, except under CI=true, where it fails.
 */
export function describeWithSamba(name: string, address: string, body: (samba: () => SambaServer) => void): void {
  const missing = sambaMissing();
  if (missing && !runtimeInfo().ci) {
    describe.skip(`${name} (skipped: ${missing})`, () =>
      body(() => {
        throw new Error(missing);
      }));
    return;
  }
  describe(name, () => {
    let server: SambaServer | undefined;
    beforeAll(async () => {
      server = await startSamba({ address });
    }, 240_000);
    afterAll(async () => {
      await server?.stop();
    });
    body(() => {
      if (!server) throw new Error(missing ?? 'Samba did not start');
      return server;
    });
  });
}

/** The policy, resolver and deadlines tests connect with: loopback allowed, dc1.contoso.local → the instance. */
export function testNet(address: string, timeouts = { connectMs: 3000, stepMs: 5000 }): NetContext {
  return {
    policy: createTargetPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
    resolver: tableResolver({ [DOMAIN.host]: [address] }),
    timeouts,
  };
}

/** LDAPS by host name (so the certificate is checked against dc1.contoso.local), bound as the service account's UPN. */
export function testSettings(samba: SambaServer, overrides: Partial<DirectorySettings> = {}): DirectorySettings {
  return {
    url: `ldaps://${DOMAIN.host}`,
    baseDn: DOMAIN.baseDn,
    bindDn: SERVICE_ACCOUNT.upn,
    password: SERVICE_ACCOUNT.password,
    caFiles: [samba.caFile],
    startTls: false,
    sizeLimit: 50,
    pageSize: 500,
    ...overrides,
  };
}
