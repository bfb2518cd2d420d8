import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Reply } from '../../../src/core/reply';
import { runCli } from '../../helpers/cli';
import {
  ensureLoopbackAddresses,
  freePort,
  postfixUnavailableReason,
  startPostfix,
  type PostfixInstance,
} from '../../helpers/postfix';
import { describeNeeding } from '../../helpers/describe-needing';

/**
 * `relay` through the built CLI (`node bin/diagbot.js --json …`) against a real Postfix: the config file
 * carries the probe settings, the environment opens loopback for the target policy.
 */
const describeLive = describeNeeding('Postfix', postfixUnavailableReason());

describeLive('relay through the diagbot CLI', () => {
  let postfix: PostfixInstance;
  let dir: string;
  const env = { DIAGBOT_TARGETS_ALLOW: '127.0.0.0/8' };

  function config(name: string, relay: Record<string, unknown>): string {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      stringify({
        store: { path: join(dir, 'diagbot.db') },
        // The guard lets relay reach 25/587/2525 only; the test Postfix listens on a high port.
        targets: { ports: { relay: [postfix.port, postfix.tlsPort] } },
        relay: {
          probe: {
            sender: 'probe@contoso.example',
            externalRecipient: 'outside@example.net',
            localDomains: [postfix.localDomain],
          },
          ...relay,
        },
      }),
    );
    return file;
  }

  async function relay(configFile: string, text: string): Promise<{ code: number | null; reply: Reply }> {
    const result = await runCli(['--json', '--config', configFile, text], { env, timeoutMs: 60_000 });
    let reply: Reply;
    try {
      reply = JSON.parse(result.stdout) as Reply;
    } catch {
      throw new Error(`stdout is not one JSON document:\n${result.stdout}\n${result.stderr}`);
    }
    return { code: result.code, reply };
  }

  beforeAll(async () => {
    await ensureLoopbackAddresses(['127.0.0.2', '127.0.0.3']);
    const port = await freePort(22300, 22349);
    postfix = await startPostfix({ port, tlsPort: await freePort(22300, 22349, [port]) });
    dir = mkdtempSync(join(tmpdir(), 'diagbot-relay-cli-'));
  });

  afterAll(async () => {
    await postfix?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('127.0.0.2 is accepted at RCPT, exit 0, with the configured sender and recipient', async () => {
    const { code, reply } = await relay(config('plain', {}), `relay 127.0.0.2 via 127.0.0.1:${postfix.port}`);
    expect(code).toBe(0);
    expect(reply).toMatchObject({
      command: 'relay',
      status: 'ok',
      data: { client: '127.0.0.2', method: 'source-bind', accepted: true },
    });
    const sends = (reply.data.transcript as Array<{ send: string | null }>).map((t) => t.send);
    expect(sends).toEqual([
      null,
      'EHLO [127.0.0.2]',
      'MAIL FROM:<probe@contoso.example>',
      'RCPT TO:<outside@example.net>',
      'RSET',
      'QUIT',
    ]);
  });

  it("127.0.0.3 is denied with Postfix's reply, exit 0 (a denial is the right answer without a topology)", async () => {
    const { code, reply } = await relay(config('plain', {}), `relay 127.0.0.3 via 127.0.0.1:${postfix.port}`);
    expect(code).toBe(0);
    expect(reply.findings.map((f) => f.id)).toEqual(['relay.denied']);
    expect(reply.data.rcptReply).toMatchObject({
      code: 554,
      enhanced: '5.7.1',
      raw: '554 5.7.1 <outside@example.net>: Relay access denied',
    });
  });

  it('exits 2 when the server relays for a client the topology does not allow', async () => {
    const file = config('topology', {
      connectors: [{ name: 'Default Frontend', remoteIpRanges: ['0.0.0.0-255.255.255.255'] }],
    });
    const { code, reply } = await relay(file, `relay 127.0.0.2 via 127.0.0.1:${postfix.port}`);
    expect(code).toBe(2);
    expect(reply.findings.map((f) => f.id)).toEqual(['relay.open', 'relay.policy.path']);
  });

  it('a bad range in the config stops diagbot with the connector and the value named', async () => {
    const file = config('bad', { connectors: [{ name: 'Printers', remoteIpRanges: ['10.1.1.0/24', '10.1.1.999'] }] });
    const { code, reply } = await relay(file, 'relay 127.0.0.2 --policy-only');
    expect(code).toBe(3);
    expect(reply.findings[0]?.id).toBe('config.invalid');
    expect(reply.findings[0]?.message).toMatch(
      /relay\.connectors\.0\.remoteIpRanges\.1: connector "Printers": "10\.1\.1\.999" is not an IP address/,
    );
  });

  it('bad input is a usage error with exit 3 and one JSON document', async () => {
    const { code, reply } = await relay(config('plain', {}), 'relay 10.1.2.3 to not-an-address');
    expect(code).toBe(3);
    expect(reply.findings).toEqual([
      expect.objectContaining({ id: 'usage', message: expect.stringMatching(/not an email address/) }),
    ]);
  });

  it('queued nothing', async () => {
    expect(await postfix.settledLog()).not.toMatch(/\bdata=\d/);
    expect(await postfix.settledQueueFiles()).toBe(0);
  });
});
