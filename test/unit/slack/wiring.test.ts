import { HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { createSlackAdapter } from '../../../adapters/slack';
import { boltLogger } from '../../../adapters/slack/bolt-logger';
import { chooseMode, createReceiver } from '../../../adapters/slack/receiver';
import type { HttpHost } from '../../../src/core/http-host';
import { createRouter } from '../../../src/core/router';
import { readBody } from '../../../src/http/body';
import { createHealthRegistry } from '../../../src/http/server';
import { silentLogger } from '../../../src/log/logger';

/**
 * Socket Mode cannot be exercised against real Slack here (it needs Slack's WebSocket service), so the choice
 * of transport is tested as wiring: which receiver is built, and that Socket Mode registers no HTTP route.
 */
const log = silentLogger();
const router = createRouter({ commands: [], log });

/** The host port with the real registries and body reader; routes are recorded instead of served. */
function recordingHost(): HttpHost & { routes: string[] } {
  const routes: string[] = [];
  return {
    routes,
    route: (method, path) => void routes.push(`${method} ${path}`),
    health: createHealthRegistry(),
    readiness: createHealthRegistry(),
    readBody,
  };
}

describe('Slack transport choice', () => {
  it('an app token means Socket Mode, a signing secret alone HTTP mode, neither is an error naming both variables', () => {
    expect(chooseMode({ appToken: 'xapp-1', signingSecret: 's' })).toBe('socket');
    expect(chooseMode({ signingSecret: 's' })).toBe('http');
    expect(() => chooseMode({})).toThrow(/SLACK_APP_TOKEN.*SLACK_SIGNING_SECRET/);
  });

  it("builds Bolt's SocketModeReceiver or HTTPReceiver accordingly", () => {
    const common = { logger: boltLogger(log), clientOptions: {}, bodyLimitBytes: 1024, arrivals: new WeakMap() };
    expect(createReceiver({ ...common, appToken: 'xapp-1-A1-1-abc' }).receiver).toBeInstanceOf(SocketModeReceiver);
    expect(createReceiver({ ...common, signingSecret: 'secret' }).receiver).toBeInstanceOf(HTTPReceiver);
  });

  it('Socket Mode registers no /slack/events route; HTTP mode registers it on start only', async () => {
    const socketHost = recordingHost();
    const socket = createSlackAdapter({
      router,
      log,
      http: socketHost,
      botToken: 'xoxb-test',
      appToken: 'xapp-1-A1-1-abc',
      signingSecret: 'also-set',
    });
    expect(socket.mode).toBe('socket');
    expect(socketHost.routes).toEqual([]);
    expect(socketHost.health.snapshot()).toEqual({ slack: false });

    const httpHost = recordingHost();
    const http = createSlackAdapter({ router, log, http: httpHost, botToken: 'xoxb-test', signingSecret: 'secret' });
    expect(http.mode).toBe('http');
    expect(httpHost.routes).toEqual([]);
    expect(http.post.platform).toBe('slack');
  });

  it('HTTP mode without the shared server is a wiring error', () => {
    expect(() => createSlackAdapter({ router, log, botToken: 'xoxb-test', signingSecret: 'secret' })).toThrow(
      'shared HTTP server',
    );
  });
});
