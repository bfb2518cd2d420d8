import { createSlackAdapter } from '../../../adapters/slack';
import { createRouter } from '../../../src/core/router';
import { readBody } from '../../../src/http/body';
import { createHealthRegistry } from '../../../src/http/server';
import { silentLogger } from '../../../src/log/logger';
import { startSlackCapture, type SlackCapture } from '../../helpers/slack-capture';

/**
 * Socket Mode needs Slack's WebSocket service, which cannot run here; what can be checked is the wiring up to
 * it: the bot token checked with auth.test, then apps.connections.open asked with the app token, both at
 * SLACK_API_URL, and a refused app token reported by name. The WebSocket protocol itself is Bolt's, untested here.
 */
let capture: SlackCapture;
beforeAll(async () => {
  capture = await startSlackCapture();
});
afterAll(async () => {
  await capture?.close();
});

it('Socket Mode opens its connection through the configured Web API with the app token, and names a refused one', async () => {
  capture.script('apps.connections.open', [{ status: 200, body: { ok: false, error: 'invalid_auth' } }]);
  const log = silentLogger();
  const routes: string[] = [];
  const http = {
    route: (method: string, path: string): void => void routes.push(`${method} ${path}`),
    health: createHealthRegistry(),
    readiness: createHealthRegistry(),
    readBody,
  };
  const adapter = createSlackAdapter({
    router: createRouter({ commands: [], log }),
    log,
    http,
    botToken: 'xoxb-socket-test',
    appToken: 'xapp-1-A0TEST-1-abcdef',
    apiUrl: capture.apiUrl,
    webApi: { retries: 0, retryMinMs: 10, retryMaxMs: 20, timeoutMs: 1000 },
  });
  expect(adapter.mode).toBe('socket');
  await expect(adapter.start()).rejects.toThrow(/Socket Mode could not connect .*invalid_auth.*SLACK_APP_TOKEN/);
  await adapter.stop();
  expect(capture.calls.map((c) => [c.name, c.headers.authorization])).toEqual([
    ['auth.test', 'Bearer xoxb-socket-test'],
    ['apps.connections.open', 'Bearer xapp-1-A0TEST-1-abcdef'],
  ]);
  expect(routes).toEqual([]);
});
