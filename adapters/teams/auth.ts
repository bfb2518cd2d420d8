import { isIP } from 'node:net';
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { DiagError } from '../../src/core/errors';
import type { TeamsActivity } from './normalise';

/**
 * Who may talk to /api/messages. With an app id every request's token is validated by botbuilder (JWT
 * signature, issuer, audience = our app id, and the `serviceurl` claim against the activity). Without one,
 * botbuilder skips authentication altogether: anyone who reaches the port could claim any `aadObjectId` (an
 * admin's) and read the answer of an invoke. So the door fails closed: without an app id it starts only when
 * `teams.allowUnauthenticated: true` says so, only while the server listens on a loopback address, and it
 * then accepts only loopback callers and loopback service URLs (the Bot Framework Emulator, tests).
 */

export type TeamsAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface TeamsAuthSettings {
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  appType?: TeamsAppType;
  /** `teams.allowUnauthenticated`: start without an app id (local development mode). Off by default. */
  allowUnauthenticated?: boolean;
  /** The address the shared HTTP server listens on (`http.host`); local development mode needs a loopback one. */
  listenHost?: string;
}

/** The configuration is wrong in a way that must stop the Teams door from starting: `config.invalid`, like any bad setting. */
function teamsConfigError(message: string): DiagError<'config.invalid'> {
  return new DiagError('config.invalid', message);
}

/** A request that may not run: `data.status` is what /api/messages answers. The reason is for the log only. */
function teamsAuthError(message: string, status = 401): DiagError<'teams.auth'> {
  return new DiagError('teams.auth', message, { data: { status } });
}

export type AuthMode = 'authenticated' | 'local';

/**
 * Decides the mode and refuses settings that cannot work, naming the variable to set (botbuilder's own
 * checks are assertions without that context).
 */
export function checkAuthSettings(settings: TeamsAuthSettings): AuthMode {
  const appId = settings.appId?.trim();
  if (!appId) {
    const stray = [
      settings.appPassword ? 'MICROSOFT_APP_PASSWORD' : undefined,
      settings.tenantId ? 'MICROSOFT_APP_TENANT_ID' : undefined,
      settings.appType ? 'MICROSOFT_APP_TYPE' : undefined,
    ].filter((v): v is string => v !== undefined);
    if (stray.length > 0) {
      throw teamsConfigError(
        `Teams: ${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but MICROSOFT_APP_ID is not; set MICROSOFT_APP_ID to the bot's app registration id.`,
      );
    }
    if (!settings.allowUnauthenticated) {
      throw teamsConfigError(
        'Teams: MICROSOFT_APP_ID is not set. Without an app id no request is authenticated; ' +
          'set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD (and MICROSOFT_APP_TENANT_ID, MICROSOFT_APP_TYPE), ' +
          'or set teams.allowUnauthenticated: true (with http.host: 127.0.0.1) for an emulator on this host only.',
      );
    }
    if (!isLoopbackHost(settings.listenHost)) {
      throw teamsConfigError(
        `Teams: teams.allowUnauthenticated needs the HTTP server on a loopback address, but http.host is ${JSON.stringify(settings.listenHost ?? '')}; ` +
          'set http.host: 127.0.0.1 (or ::1), or configure MICROSOFT_APP_ID.',
      );
    }
    return 'local';
  }
  const type = settings.appType ?? 'MultiTenant';
  if (type === 'UserAssignedMSI') {
    if (settings.appPassword)
      throw teamsConfigError('Teams: MICROSOFT_APP_TYPE=UserAssignedMSI takes no MICROSOFT_APP_PASSWORD; unset it.');
    if (!settings.tenantId)
      throw teamsConfigError('Teams: MICROSOFT_APP_TYPE=UserAssignedMSI needs MICROSOFT_APP_TENANT_ID.');
  } else {
    if (!settings.appPassword)
      throw teamsConfigError(
        `Teams: MICROSOFT_APP_TYPE=${type} needs MICROSOFT_APP_PASSWORD (the client secret of the app registration).`,
      );
    if (type === 'SingleTenant' && !settings.tenantId)
      throw teamsConfigError('Teams: MICROSOFT_APP_TYPE=SingleTenant needs MICROSOFT_APP_TENANT_ID.');
  }
  return 'authenticated';
}

/** True for a literal loopback address or `localhost` (a listen address or a peer's address). */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6)
    return (
      bare === '::1' || /^::ffff:127\.\d+\.\d+\.\d+$/.test(bare) || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(bare)
    );
  return false;
}

/**
 * True for `http(s)://` URLs on the loopback interface (127.0.0.0/8, ::1, localhost). The URL parser has
 * already normalised tricks such as `127.1` or `0x7f.0.0.1` to dotted quads.
 */
export function isLoopbackServiceUrl(serviceUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return isLoopbackHost(url.hostname);
}

/**
 * The public cloud's Bot Framework endpoints (botframework-connector's AuthenticationConstants). botbuilder
 * uses them by default, but as soon as one endpoint is overridden (a sovereign cloud, a test's stand-in
 * token service) it expects every one of them, so overrides are laid over this full set.
 */
export const PUBLIC_CLOUD_ENDPOINTS = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
} as const;

type BotAuth = Pick<ConfigurationBotFrameworkAuthentication, 'authenticateRequest'>;
export type AuthResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/**
 * Authenticates one request before anything runs. botbuilder validates the token; this adds the two rules
 * it leaves to the host: loopback-only service URLs without an app id, and (with one) a `serviceurl` claim
 * that matches the activity, whichever token path botbuilder took.
 */
export async function authenticate(
  mode: AuthMode,
  botAuth: BotAuth,
  activity: TeamsActivity,
  authHeader: string,
): Promise<AuthResult> {
  if (mode === 'local' && !isLoopbackServiceUrl(activity.serviceUrl)) {
    throw teamsAuthError('local development mode (no MICROSOFT_APP_ID) accepts only loopback service URLs');
  }
  let result: AuthResult;
  try {
    // The SDK's own types mark fields required that Teams leaves out; it reads only what Teams sends.
    result = await botAuth.authenticateRequest(
      activity as unknown as Parameters<BotAuth['authenticateRequest']>[0],
      authHeader,
    );
  } catch (error) {
    // botframework's AuthenticationError carries a status (401, or 500 when the key metadata could not be
    // loaded); anything else thrown while checking a token (a bad signature) is an authentication failure.
    const status = (error as { statusCode?: unknown }).statusCode;
    throw teamsAuthError(
      `token rejected: ${(error as Error).message}`,
      typeof status === 'number' && status >= 400 ? status : 401,
    );
  }
  if (mode === 'authenticated') {
    const claim = result.claimsIdentity.getClaimValue('serviceurl');
    if (!claim || claim !== activity.serviceUrl) {
      throw teamsAuthError("the token's serviceurl claim does not match the activity's serviceUrl");
    }
  }
  return result;
}
