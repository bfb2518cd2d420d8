import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Request, type Response } from 'botbuilder';
import type { HttpServer } from '../src/http/server';
import { readJsonBody, sendJson } from '../adapters/teams/receive';

/**
 * The benchmark's baseline (bench/teams.ts): botbuilder's own echo bot — `CloudAdapter.process` answering
 * every message with its text — on the same HTTP server, without authentication (loopback only). Benchmark code,
 * so it lives with the benchmarks: nothing in diagbot serves it.
 */
export function registerEchoBot(http: HttpServer, path: string): void {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  http.route('POST', path, async (req: IncomingMessage, res: ServerResponse) => {
    let body: unknown;
    try {
      body = await readJsonBody(req, http.readBody);
    } catch {
      return sendJson(res, 400);
    }
    // The minimal express-like surface CloudAdapter.process reads and writes.
    const request: Request = { body: body as Record<string, unknown>, headers: req.headers, method: req.method };
    let status = 200;
    const response: Response = {
      socket: res.socket,
      header: (name: string, value: unknown) => res.setHeader(name, String(value)),
      status: (code: number) => {
        status = code;
      },
      send: (payload: unknown) => sendJson(res, status, payload),
      end: () => {
        if (!res.headersSent) sendJson(res, status);
      },
    };
    await adapter.process(request, response, async (ctx) => {
      if (ctx.activity.type === 'message') await ctx.sendActivity(`Echo: ${ctx.activity.text ?? ''}`);
    });
  });
}
