import type { TeamsAuthOverrides } from '../../../adapters/teams';
import { startBotConnectorCapture, type BotConnectorCapture } from '../../helpers/bot-connector-capture';
import { personalMessage } from '../../unit/teams/fixtures';
import { cardFindingIds } from '../../unit/teams/validate-card';
import { CAPTURE_PORTS, startHarness, type Harness } from './harness';
import { startTokenService, type TokenService } from './token-service';

/**
 * With an app id, every request's token is checked by botbuilder's own JWT validation. The Bot Framework
 * token service is stood in for on loopback (its keys and metadata), so tokens can be shaped here.
 */

const APP_ID = '5e1f0c2a-0000-4000-8000-00000000d1a9';
const OUTBOUND = 'Bearer outbound-token-from-the-stand-in';

let capture: BotConnectorCapture;
let tokens: TokenService;
let bot: Harness;

/**
 * Entra ID cannot be reached from here, so outbound credentials are a stand-in that stamps a fixed token;
 * everything inbound is botbuilder's real validation.
 */
const credentialsFactory: NonNullable<TeamsAuthOverrides['credentialsFactory']> = {
  isValidAppId: async (appId: string) => appId === APP_ID,
  isAuthenticationDisabled: async () => false,
  createCredentials: async () => ({
    signRequest: async (request) => {
      request.headers.set('authorization', OUTBOUND);
      return request;
    },
  }),
};

beforeAll(async () => {
  // botbuilder's JwtTokenExtractor writes every rejected signature to console.error; the log assertions
  // below look at diagbot's own logger instead.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  capture = await startBotConnectorCapture({ ports: CAPTURE_PORTS });
  tokens = await startTokenService(CAPTURE_PORTS);
  bot = await startHarness({
    appId: APP_ID,
    appPassword: 'not-used-by-the-stand-in',
    appType: 'MultiTenant',
    authOverrides: {
      channelOpenIdMetadataUrl: tokens.metadataUrl,
      emulatorOpenIdMetadataUrl: tokens.metadataUrl,
      credentialsFactory,
    },
  });
});

afterAll(async () => {
  jest.restoreAllMocks();
  await bot?.close();
  await tokens?.close();
  await capture?.close();
});

beforeEach(() => {
  capture.reset();
  bot.seen.length = 0;
});

/** Every token sent, so the last test can look for them in the log. */
const sent: string[] = [];
const bearer = (token: string): Record<string, string> => {
  sent.push(token);
  return { authorization: `Bearer ${token}` };
};

describe('Teams door with an app id', () => {
  it('runs a request whose channel token is valid, and answers with outbound credentials', async () => {
    const activity = personalMessage(capture.url, 'probe mail.contoso.com');
    const response = await bot.post(activity, bearer(tokens.channelToken({ aud: APP_ID, serviceurl: capture.url })));
    expect(response.status).toBe(200);
    const [message] = capture.messages('reply');
    expect(message?.authorization).toBe(OUTBOUND);
    const attachments = message?.activity.attachments as Array<{ content: unknown }>;
    expect(cardFindingIds(attachments[0]?.content)).toContain('cert.expired');
    expect(bot.seen).toHaveLength(1);
  });

  const refused: Array<[string, () => Record<string, string>]> = [
    ['no Authorization header', () => ({})],
    ['a token that is not a JWT', () => bearer('not-a-token')],
    [
      'a token signed by a key the service does not publish',
      () => bearer(tokens.channelToken({ aud: APP_ID, serviceurl: capture.url }, { key: tokens.foreignKey })),
    ],
    ['a token for another bot', () => bearer(tokens.channelToken({ aud: 'another-app-id', serviceurl: capture.url }))],
    [
      'a token whose serviceurl claim names another service',
      () => bearer(tokens.channelToken({ aud: APP_ID, serviceurl: 'https://smba.trafficmanager.net/emea/' })),
    ],
    ['a token without a serviceurl claim', () => bearer(tokens.channelToken({ aud: APP_ID }))],
    [
      'an expired token',
      () =>
        bearer(
          tokens.channelToken({
            aud: APP_ID,
            serviceurl: capture.url,
            exp: Math.floor(Date.now() / 1000) - 3600,
            nbf: 0,
            iat: 0,
          }),
        ),
    ],
    [
      'a token from another issuer',
      () => bearer(tokens.channelToken({ aud: APP_ID, serviceurl: capture.url, iss: 'https://evil.example' })),
    ],
    [
      'the right token under another scheme',
      () => ({ authorization: `Basic ${tokens.channelToken({ aud: APP_ID, serviceurl: capture.url })}` }),
    ],
  ];

  it.each(refused)('answers 401 and runs nothing for %s', async (_name, headers) => {
    const response = await bot.post(personalMessage(capture.url, 'probe mail.contoso.com'), headers());
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'unauthorized' });
    expect(bot.seen).toEqual([]);
    expect(capture.calls).toEqual([]);
  });

  it('never writes a token it was sent to the log', () => {
    const logged = JSON.stringify(bot.logs);
    expect(sent.length).toBeGreaterThan(5);
    for (const token of sent) expect(logged).not.toContain(token.split('.').pop() as string);
    expect(bot.logs.some((line) => line.msg === 'Teams request refused')).toBe(true);
  });
});
