import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MASTER_SERVICES, waitForListener } from './postfix';

/**
 * Real mail through real servers, for the headers tests: two private Postfix instances on loopback — a
 * sender (`mx1.sender.test`, whose OpenDKIM milter signs) relaying to a receiver (`mx2.receiver.test`, whose
 * OpenDKIM milter verifies and writes Authentication-Results) that delivers into a maildir. The public key
 * reaches the verifier through OpenDKIM's `TestPublicKeys` file, so no DNS is asked. Nothing leaves loopback.
 *
 * No jest here. Run as root (Postfix's private instances need it), as CI does.
 */

const run = promisify(execFile);
const POSTFIX = '/usr/sbin/postfix';
const OPENDKIM = '/usr/sbin/opendkim';

/** Why the chain cannot run here, or undefined when it can (Postfix's own checks come first). */
export function opendkimUnavailableReason(): string | undefined {
  if (!existsSync(OPENDKIM)) return `OpenDKIM is not installed (${OPENDKIM}); run .ci/install-system-deps.sh`;
  return undefined;
}

export interface ChainOptions {
  /** Loopback addresses: the sender's and the receiver's. */
  senderAddress: string;
  receiverAddress: string;
  ports: { sender: number; receiver: number; signer: number; verifier: number };
  /** TLS between the two Postfix instances (`encrypt`) or none at all. */
  tls: boolean;
  /** Give the verifier a different public key than the signer's private one: DKIM then fails. */
  wrongKey?: boolean;
}

export interface MailChain {
  /** Submits one message to the sender over SMTP from `client`; resolves once the sender accepted it. */
  submit(message: string, from: string, to: string, client?: string): Promise<void>;
  startReceiver(): Promise<void>;
  /** Makes the sender retry its deferred mail now. */
  flushSender(): Promise<void>;
  /** The delivered message (headers and body) once it is in the maildir. */
  delivered(ms?: number): Promise<string>;
  logs(): string;
  stop(): Promise<void>;
}

function rsaKeyPair(dir: string, name: string): { privateKey: string; publicB64: string } {
  const privateKey = join(dir, `${name}.private`);
  execFileSync('openssl', ['genrsa', '-out', privateKey, '2048'], { stdio: 'ignore' });
  chmodSync(privateKey, 0o600);
  const der = execFileSync('openssl', ['rsa', '-in', privateKey, '-pubout', '-outform', 'DER'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return { privateKey, publicB64: der.toString('base64') };
}

function startOpendkim(configFile: string, log: string[]): ChildProcess {
  const child = spawn(OPENDKIM, ['-f', '-x', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  return child;
}

/** SIGTERM, then SIGKILL after 3 s; resolves once the process is gone. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Postfix's usual services plus what the chain delivers with: the SMTP client and the virtual (maildir) agent. */
const SERVICES = [
  ...MASTER_SERVICES,
  ...[
    ['smtp', 'unix', '-', '-', 'n', '-', '-', 'smtp'],
    ['relay', 'unix', '-', '-', 'n', '-', '-', 'smtp'],
    ['virtual', 'unix', '-', 'n', 'n', '-', '-', 'virtual'],
  ].map((fields) => fields.join('  ')),
];

interface PostfixDirs {
  conf: string;
  log: string;
}

function postfixDirs(root: string, name: string): PostfixDirs & { queue: string; data: string } {
  const base = join(root, name);
  const dirs = {
    conf: join(base, 'conf'),
    queue: join(base, 'queue'),
    data: join(base, 'data'),
    log: join(base, 'maillog'),
  };
  for (const d of [base, dirs.conf, dirs.queue, dirs.data]) mkdirSync(d, { recursive: true, mode: 0o755 });
  chownSync(dirs.data, Number(execFileSync('id', ['-u', 'postfix']).toString().trim()), 0);
  return dirs;
}

function commonMainCf(name: string, dirs: { queue: string; data: string; log: string }, root: string): string {
  return [
    '# diagbot headers tests: a private instance on loopback; nothing leaves this machine.',
    'compatibility_level = 3.6',
    `queue_directory = ${dirs.queue}`,
    `data_directory = ${dirs.data}`,
    'import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C POSTLOG_SERVICE POSTLOG_HOSTNAME',
    `syslog_name = diagbot-headers-${name}`,
    `maillog_file = ${dirs.log}`,
    `maillog_file_prefixes = ${root}`,
    // The instance's own address is in master.cf; 127.0.19.x is routed to lo but is no interface address of
    // its own, which an explicit inet_interfaces would insist on.
    'inet_interfaces = all',
    'inet_protocols = ipv4',
    'mynetworks = 127.0.0.0/8',
    'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
    'alias_maps =',
    'alias_database =',
    'biff = no',
    'smtpd_peername_lookup = no',
    'milter_default_action = tempfail',
    'in_flow_delay = 0s',
    // Retry deferred mail soon; the test flushes the queue itself anyway.
    'minimal_backoff_time = 1s',
    'maximal_backoff_time = 2s',
    'queue_run_delay = 1s',
  ].join('\n');
}

export async function startMailChain(options: ChainOptions): Promise<MailChain> {
  const root = mkdtempSync(join(tmpdir(), 'diagbot-headers-'));
  chmodSync(root, 0o755);
  const dkimLog: string[] = [];
  const children: ChildProcess[] = [];
  const { senderAddress: a, receiverAddress: b, ports } = options;

  const signing = rsaKeyPair(root, 's2026');
  const published = options.wrongKey ? rsaKeyPair(root, 'other') : signing;
  writeFileSync(join(root, 'keys.txt'), `s2026._domainkey.sender.test v=DKIM1; k=rsa; p=${published.publicB64}\n`);
  writeFileSync(
    join(root, 'signer.conf'),
    [
      'Mode s',
      'Domain sender.test',
      'Selector s2026',
      `KeyFile ${signing.privateKey}`,
      `Socket inet:${ports.signer}@${a}`,
      'Canonicalization relaxed/simple',
      'InternalHosts 127.0.0.0/8',
      'Syslog no',
      'UMask 002',
      'RequireSafeKeys no',
    ].join('\n'),
  );
  writeFileSync(
    join(root, 'verifier.conf'),
    [
      'Mode v',
      `Socket inet:${ports.verifier}@${b}`,
      `TestPublicKeys ${join(root, 'keys.txt')}`,
      'AuthservID mx2.receiver.test',
      // Nothing here is "internal": every message is verified.
      'InternalHosts 203.0.113.255/32',
      'Syslog no',
      'AlwaysAddARHeader yes',
    ].join('\n'),
  );
  children.push(startOpendkim(join(root, 'signer.conf'), dkimLog), startOpendkim(join(root, 'verifier.conf'), dkimLog));

  const sender = postfixDirs(root, 'sender');
  writeFileSync(
    join(sender.conf, 'main.cf'),
    [
      commonMainCf('sender', sender, root),
      'myhostname = mx1.sender.test',
      'mydomain = sender.test',
      'mydestination =',
      `relayhost = [${b}]:${ports.receiver}`,
      `smtp_bind_address = ${a}`,
      `smtpd_milters = inet:${a}:${ports.signer}`,
      options.tls ? 'smtp_tls_security_level = encrypt' : 'smtp_tls_security_level = none',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(sender.conf, 'master.cf'),
    [`${a}:${ports.sender}  inet  n  -  n  -  -  smtpd`, ...SERVICES, ''].join('\n'),
  );

  const receiver = postfixDirs(root, 'receiver');
  const mail = join(root, 'mail');
  mkdirSync(mail, { mode: 0o755 });
  const postfixUid = Number(execFileSync('id', ['-u', 'postfix']).toString().trim());
  const postfixGid = Number(execFileSync('id', ['-g', 'postfix']).toString().trim());
  chownSync(mail, postfixUid, postfixGid);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      join(root, 'key.pem'),
      '-out',
      join(root, 'cert.pem'),
      '-subj',
      '/CN=mx2.receiver.test',
    ],
    { stdio: 'ignore' },
  );
  writeFileSync(
    join(receiver.conf, 'main.cf'),
    [
      commonMainCf('receiver', receiver, root),
      'myhostname = mx2.receiver.test',
      'mydomain = receiver.test',
      'mydestination =',
      'virtual_mailbox_domains = receiver.test',
      `virtual_mailbox_base = ${mail}`,
      'virtual_mailbox_maps = static:bob/',
      `virtual_uid_maps = static:${postfixUid}`,
      `virtual_gid_maps = static:${postfixGid}`,
      `smtpd_milters = inet:${b}:${ports.verifier}`,
      'smtpd_tls_security_level = may',
      `smtpd_tls_cert_file = ${join(root, 'cert.pem')}`,
      `smtpd_tls_key_file = ${join(root, 'key.pem')}`,
      'smtpd_tls_received_header = yes',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(receiver.conf, 'master.cf'),
    [`${b}:${ports.receiver}  inet  n  -  n  -  -  smtpd`, ...SERVICES, ''].join('\n'),
  );

  const logs = (): string =>
    [sender.log, receiver.log].map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : '')).join('\n') + dkimLog.join('');
  let receiverStarted = false;
  const stop = async (): Promise<void> => {
    for (const conf of [sender.conf, receiver.conf]) await run(POSTFIX, ['-c', conf, 'stop']).catch(() => undefined);
    await Promise.all(children.map((child) => stopChild(child)));
    if (process.env.DIAGBOT_KEEP_TMP !== '1') rmSync(root, { recursive: true, force: true });
  };

  try {
    await waitForListener(a, ports.signer);
    await waitForListener(b, ports.verifier);
    await run(POSTFIX, ['-c', sender.conf, 'start']);
    await waitForListener(a, ports.sender);
  } catch (error) {
    const text = logs();
    await stop();
    throw new Error(
      `the mail chain did not start: ${(error as Error).message} ${String((error as { stderr?: unknown }).stderr ?? '')}\n${text}`,
    );
  }

  return {
    async submit(message, from, to, client = '127.0.19.3') {
      await smtpSend({ host: a, port: ports.sender, localAddress: client }, from, to, message);
    },
    async startReceiver() {
      if (receiverStarted) return;
      await run(POSTFIX, ['-c', receiver.conf, 'start']);
      receiverStarted = true;
      await waitForListener(b, ports.receiver);
    },
    async flushSender() {
      await run('/usr/sbin/postqueue', ['-c', sender.conf, '-f']);
    },
    async delivered(ms = 20_000) {
      const box = join(mail, 'bob', 'new');
      const until = Date.now() + ms;
      while (Date.now() < until) {
        const files = existsSync(box) ? readdirSync(box) : [];
        if (files[0]) return readFileSync(join(box, files[0]), 'utf8');
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`nothing was delivered within ${ms} ms\n${logs()}`);
    },
    logs,
    stop,
  };
}

/** A minimal SMTP client: EHLO, MAIL, RCPT, DATA, QUIT, each reply checked; 10 s for the whole exchange. */
function smtpSend(
  target: { host: string; port: number; localAddress: string },
  from: string,
  to: string,
  message: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port, localAddress: target.localAddress });
    const steps: [string | undefined, RegExp][] = [
      [undefined, /^220 /m],
      ['EHLO client.sender.test', /^250 /m],
      [`MAIL FROM:<${from}>`, /^250 /m],
      [`RCPT TO:<${to}>`, /^250 /m],
      ['DATA', /^354 /m],
      [`${message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')}\r\n.`, /^250 /m],
      ['QUIT', /^221 /m],
    ];
    let buffer = '';
    let step = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`SMTP to ${target.host}:${target.port} timed out at step ${step}: ${buffer}`));
    }, 10_000);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      // Wait for the last line of a (possibly multi-line) reply: `250 …`, not `250-…`.
      const lines = buffer.split('\r\n');
      if (lines.length < 2 || !/^\d{3} /.test(lines[lines.length - 2] as string)) return;
      const [, expected] = steps[step] as [string | undefined, RegExp];
      if (!expected.test(buffer)) {
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(`SMTP step ${step} failed: ${buffer}`));
        return;
      }
      buffer = '';
      step += 1;
      const next = steps[step];
      if (!next) {
        clearTimeout(timer);
        socket.end();
        resolve();
        return;
      }
      socket.write(`${next[0]}\r\n`);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
