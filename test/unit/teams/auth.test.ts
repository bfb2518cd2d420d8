import { checkAuthSettings, isLoopbackServiceUrl } from '../../../adapters/teams/auth';
import { createTeamsAdapter } from '../../../adapters/teams';
import { createRouter } from '../../../src/core/router';
import { createHttpServer } from '../../../src/http/server';
import { captureLogger } from '../../helpers/logger';
import { diagErrorWith } from '../../helpers/diag-error';

describe('checkAuthSettings', () => {
  it('fails closed: without an app id it refuses to start unless explicitly allowed', () => {
    expect(() => checkAuthSettings({})).toThrow(/MICROSOFT_APP_ID is not set/);
    expect(() => checkAuthSettings({ listenHost: '127.0.0.1' })).toThrow(diagErrorWith('config.invalid'));
  });

  it('runs in local development mode only when allowed and listening on loopback', () => {
    for (const host of ['127.0.0.1', '127.0.14.9', '::1', '[::1]', 'localhost']) {
      expect(checkAuthSettings({ allowUnauthenticated: true, listenHost: host })).toBe('local');
    }
    for (const host of ['0.0.0.0', '::', '', '10.0.0.1', 'diagbot.example', undefined]) {
      expect(() => checkAuthSettings({ allowUnauthenticated: true, listenHost: host })).toThrow(/loopback address/);
    }
  });

  it('refuses Teams secrets without an app id, naming them', () => {
    expect(() => checkAuthSettings({ appPassword: 's' })).toThrow(
      /MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is not/,
    );
  });

  it('checks each app type for what it needs', () => {
    expect(checkAuthSettings({ appId: 'id', appPassword: 's' })).toBe('authenticated');
    expect(checkAuthSettings({ appId: 'id', appPassword: 's', appType: 'SingleTenant', tenantId: 't' })).toBe(
      'authenticated',
    );
    expect(checkAuthSettings({ appId: 'id', appType: 'UserAssignedMSI', tenantId: 't' })).toBe('authenticated');
    expect(() => checkAuthSettings({ appId: 'id' })).toThrow(/needs MICROSOFT_APP_PASSWORD/);
    expect(() => checkAuthSettings({ appId: 'id', appPassword: 's', appType: 'SingleTenant' })).toThrow(
      /needs MICROSOFT_APP_TENANT_ID/,
    );
    expect(() =>
      checkAuthSettings({ appId: 'id', appPassword: 's', appType: 'UserAssignedMSI', tenantId: 't' }),
    ).toThrow(/takes no MICROSOFT_APP_PASSWORD/);
    expect(() => checkAuthSettings({ appId: 'id', appType: 'UserAssignedMSI' })).toThrow(
      diagErrorWith('config.invalid'),
    );
  });
});

describe('isLoopbackServiceUrl', () => {
  it.each([
    'http://127.0.0.1:3979/',
    'http://localhost:3979',
    'https://127.5.6.7/',
    'http://[::1]:9000/',
    'http://127.1/',
    'http://0x7f.0.0.1/',
    'http://[::ffff:127.0.0.1]/',
  ])('accepts %s', (url) => expect(isLoopbackServiceUrl(url)).toBe(true));

  it.each([
    'https://smba.trafficmanager.net/emea/',
    'http://10.0.0.1/',
    'http://169.254.169.254/',
    'http://127.0.0.1.nip.io/',
    'http://localhost.evil.example/',
    'file:///etc/passwd',
    'ftp://127.0.0.1/',
    'not a url',
    '',
    'http://[::ffff:10.0.0.1]/',
    'http://0.0.0.0/',
  ])('refuses %s', (url) => expect(isLoopbackServiceUrl(url)).toBe(false));
});

describe('createTeamsAdapter().start()', () => {
  it('refuses to start without an app id, and registers nothing', async () => {
    const log = captureLogger();
    const http = createHttpServer({ port: 0, host: '127.0.0.1', log });
    const teams = createTeamsAdapter({ router: createRouter({ commands: [], log }), http, log });
    await expect(teams.start()).rejects.toThrow(diagErrorWith('config.invalid'));
    expect(http.health.snapshot()).toEqual({});
  });
});
