import type { IncomingMessage } from 'node:http';
import { HTTPReceiver, SocketModeReceiver, type Logger as BoltLogger, type webApi } from '@slack/bolt';

/**
 * One code path, two transports: Socket Mode when an app token is configured (no public URL needed), Bolt's
 * HTTPReceiver behind the shared server's `POST /slack/events` otherwise. The choice is a pure function so it
 * can be tested without connecting to Slack.
 */
export type SlackMode = 'socket' | 'http';

/** `SLACK_APP_TOKEN` → Socket Mode; otherwise HTTP, which needs the signing secret. */
export function chooseMode(credentials: { appToken?: string; signingSecret?: string }): SlackMode {
  if (credentials.appToken) return 'socket';
  if (credentials.signingSecret) return 'http';
  throw new Error(
    'Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode at POST /slack/events)',
  );
}

export interface ReceiverOptions {
  appToken?: string;
  signingSecret?: string;
  logger: BoltLogger;
  clientOptions: webApi.WebClientOptions;
  /** Requests larger than this are refused with 413 before they are parsed. */
  bodyLimitBytes: number;
  /** When the shared server handed a request over (HTTP mode), for acknowledgement latency. */
  arrivals: WeakMap<IncomingMessage, number>;
}

export type SlackReceiver = { mode: 'socket'; receiver: SocketModeReceiver } | { mode: 'http'; receiver: HTTPReceiver };

export function createReceiver(options: ReceiverOptions): SlackReceiver {
  const mode = chooseMode(options);
  if (mode === 'socket') {
    return {
      mode,
      receiver: new SocketModeReceiver({
        appToken: options.appToken as string,
        logger: options.logger,
        // The Socket Mode client opens its connection through the Web API (apps.connections.open): same URL, timeout and retries.
        installerOptions: { clientOptions: options.clientOptions },
        customPropertiesExtractor: () => ({ receivedAt: performance.now() }),
      }),
    };
  }
  return {
    mode,
    receiver: new HTTPReceiver({
      signingSecret: options.signingSecret as string,
      endpoints: '/slack/events',
      logger: options.logger,
      bodyLimit: options.bodyLimitBytes,
      customPropertiesExtractor: (req) => ({ receivedAt: options.arrivals.get(req) ?? performance.now() }),
    }),
  };
}
