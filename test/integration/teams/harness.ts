import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { TeamsAdapter, TeamsAdapterConfig } from '../../../adapters/teams';
import { createHelpCommand } from '../../../commands/help';
import { createApp } from '../../../src/app/create-app';
import { parseConfig } from '../../../src/config/load';
import type { Command } from '../../../src/core/command';
import type { ChatRequest } from '../../../src/core/chat-request';
import type { ConversationReferenceStore } from '../../../src/core/post';
import { makeReply } from '../../../src/core/reply';
import type { HttpServer } from '../../../src/http/server';
import { freePortInRange } from '../../helpers/bot-connector-capture';
import { captureLogger, type CapturedLine } from '../../helpers/logger';
import { fakeId } from '../../helpers/finding-id';

/**
 * The app as `diagbot serve` runs it (`createApp` + `app.serve()`: the real router with its guard rails, the real
 * Teams adapter on the real shared HTTP server), on loopback. The commands are fixtures (the adapter only ever
 * sees the Router): each returns a Reply shape worth rendering and records the ChatRequest it got, so tests can
 * see what normalisation produced and whether anything ran at all. Rate limits are set out of reach.
 */

/** Ports 25500–25999 for the bot; the capture servers take 25000–25499. */
export const BOT_PORTS: [number, number] = [25500, 25999];
export const CAPTURE_PORTS: [number, number] = [25000, 25499];

export interface Harness {
  url: string;
  http: HttpServer;
  teams: TeamsAdapter;
  seen: ChatRequest[];
  logs: CapturedLine[];
  /** Releases the `slow` command's pending runs. */
  releaseSlow(): void;
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export interface HarnessExtras {
  references?: ConversationReferenceStore;
  /** Ports for the bot (default BOT_PORTS). */
  botPorts?: [number, number];
  /** Scrubbed from requests and replies beside the configured secrets. */
  secrets?: string[];
}

export async function startHarness(extras: Partial<TeamsAdapterConfig> & HarnessExtras = {}): Promise<Harness> {
  const { botPorts, secrets, ...options } = extras;
  const seen: ChatRequest[] = [];
  const logs: CapturedLine[] = [];
  const log = captureLogger(logs);
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (release = resolve));

  const probe: Command<{ positional: string[] }> = {
    name: 'probe',
    summary: 'Fixture: a failing check with facts, a fix with steps and links, and follow-ups.',
    usage: 'probe <host>',
    examples: ['probe mail.contoso.com'],
    args: z.object({ positional: z.array(z.string()).min(1).max(2) }),
    async run(args, ctx) {
      seen.push(ctx.request);
      const host = args.positional[0] as string;
      return makeReply({
        command: 'probe',
        title: `${host} — certificate expired`,
        findings: [
          {
            id: 'cert.expired',
            severity: 'fail',
            message: `The certificate for ${host} expired on 2025-01-01 (<b>not</b> HTML; *not* bold).`,
            fix: {
              summary: 'Renew the certificate and bind it to the service.',
              steps: ['Request a new certificate from your CA.', 'Enable-ExchangeCertificate -Services IIS,SMTP'],
              links: [
                {
                  title: 'Renew an Exchange certificate',
                  url: 'https://learn.microsoft.com/exchange/architecture/client-access/renew-certificates',
                },
              ],
            },
          },
          { id: 'cert.cn-not-in-san', severity: 'warn', message: 'The subject CN is not among the SANs.' },
        ],
        facts: [
          { label: 'Host', value: host },
          { label: 'Words', value: args.positional.join(' | ') },
        ],
        actions: [{ label: 'Check again', command: `probe ${host}` }],
      });
    },
  };

  const slow: Command<{ positional: string[] }> = {
    name: 'slow',
    summary: 'Fixture: answers only when the test releases it.',
    usage: 'slow',
    examples: ['slow'],
    args: z.object({ positional: z.array(z.string()) }),
    async run(_args, ctx) {
      seen.push(ctx.request);
      await gate;
      return makeReply({
        command: 'slow',
        title: 'slow check done',
        findings: [{ id: fakeId('slow.done'), severity: 'ok', message: 'Finished.' }],
      });
    },
  };

  const explain: Command<{ text: string }> = {
    name: 'explain',
    summary: 'Fixture: reports the text it was given and whether it holds an HRESULT.',
    usage: 'explain <text>',
    examples: ['explain 0x80070005'],
    input: 'verbatim',
    args: z.object({ text: z.string() }),
    async run(args, ctx) {
      seen.push(ctx.request);
      const hresult = /0x8[0-9a-f]{7}/i.exec(args.text)?.[0];
      return makeReply({
        command: 'explain',
        title: hresult ? `${hresult}: Access is denied` : 'Nothing known in that text',
        findings: [
          hresult
            ? { id: 'code.hresult', severity: 'info', message: `${hresult} is E_ACCESSDENIED.` }
            : { id: 'explain.no-match', severity: 'info', message: 'No known code or message.' },
        ],
        facts: [{ label: 'Text', value: args.text }],
        actions: hresult ? [{ label: 'Explain again', command: `explain ${hresult}` }] : [],
      });
    },
  };

  const dir = mkdtempSync(join(tmpdir(), 'diagbot-teams-harness-'));
  const outOfReach = { points: 100_000, durationSeconds: 1 };
  const config = parseConfig({
    http: { host: '127.0.0.1', port: await freePortInRange(botPorts ?? BOT_PORTS) },
    store: { path: join(dir, 'diagbot.db') },
    limits: { perUser: outOfReach, perChannel: outOfReach, concurrentPerTarget: 1000 },
    teams: { allowUnauthenticated: true, interimAfterMs: 3000 },
  });
  const app = await createApp(config, {
    serving: true,
    log,
    onlyCommands: () => [probe, slow, explain, createHelpCommand()] as Command[],
    secrets,
    teams: options,
  });
  const serving = await app.serve().catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  const teams = serving.teams as TeamsAdapter;
  const http = serving.http;
  const url = `http://127.0.0.1:${serving.port}`;

  return {
    url,
    http,
    teams,
    seen,
    logs,
    releaseSlow() {
      release();
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    async post(body, headers = {}) {
      const response = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed };
    },
    async close() {
      release();
      await serving.stop();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
