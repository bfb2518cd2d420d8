import {
  fromBlockAction,
  fromDirectMessage,
  fromMention,
  fromMessageShortcut,
  fromSlashCommand,
  takePublicSwitch,
} from '../../../adapters/slack/normalise';
import type { ChatRequest } from '../../../src/core/chat-request';
import {
  appMention,
  buttonClick,
  CHANNEL,
  directMessage,
  DM_CHANNEL,
  messageShortcut,
  slashCommand,
  TEAM,
  USER,
} from './fixtures';

const HOOK = 'https://hooks.slack.com/commands/T0CONTOSO/1/abc';

/** The ChatRequest contract every door must meet (STYLE.md point 10: every fixture normalises to a valid request). */
function expectValidRequest(request: ChatRequest): void {
  expect(request.platform).toBe('slack');
  expect(request.userId).toMatch(/^[UW][A-Z0-9]+$/);
  expect(request.channelId).toMatch(/^[CDGU][A-Z0-9]+$/);
  expect(typeof request.text).toBe('string');
  expect(request.text).toBe(request.text.trim());
  // Slack markup is gone from the text the router sees.
  expect(request.text).not.toMatch(/<[@#!][^>]*>|&amp;|&lt;|&gt;/);
  expect(request.respond).toBeUndefined();
}

describe('Slack payload → ChatRequest', () => {
  it('slash command: user, team, channel, text; `--public` taken off either end', () => {
    const { request, public: isPublic } = fromSlashCommand(slashCommand('cert mail.contoso.com --public', HOOK));
    expectValidRequest(request);
    expect(request).toMatchObject({
      door: 'command',
      userId: USER,
      teamId: TEAM,
      channelId: CHANNEL,
      text: 'cert mail.contoso.com',
    });
    expect(isPublic).toBe(true);
    expect(fromSlashCommand(slashCommand('--public relay 10.0.0.5', HOOK))).toMatchObject({
      public: true,
      request: { text: 'relay 10.0.0.5' },
    });
    expect(fromSlashCommand(slashCommand('relay 10.0.0.5', HOOK)).public).toBe(false);
  });

  it('a bare /diag or bare mention asks for help', () => {
    expect(fromSlashCommand(slashCommand('', HOOK)).request.text).toBe('help');
    expect(fromMention(appMention('')).text).toBe('help');
  });

  it('slash command text as Slack escapes it: entities decoded, links unwrapped', () => {
    const { request } = fromSlashCommand(
      slashCommand(
        'explain Smith &amp; Sons &lt;mail&gt; at <https://mail.contoso.com/owa|mail.contoso.com/owa> for <@U0OTHER01|bob>',
        HOOK,
      ),
    );
    expectValidRequest(request);
    expect(request.text).toBe('explain Smith & Sons <mail> at https://mail.contoso.com/owa for');
  });

  it('mention: the bot mention is removed and the answer thread is the mention (or its thread)', () => {
    const top = appMention('cert mail.contoso.com');
    const request = fromMention(top);
    expectValidRequest(request);
    expect(request).toMatchObject({ door: 'mention', text: 'cert mail.contoso.com', threadId: top.ts });
    expect(fromMention(appMention('help', { thread_ts: '1699999999.000100' })).threadId).toBe('1699999999.000100');
  });

  it('DM: any text, line breaks and code fences kept as text', () => {
    const request = fromDirectMessage(
      directMessage("```\nAn IIS directory entry couldn't be created.\nHResult = -2147024891\n```"),
    );
    expectValidRequest(request);
    expect(request).toMatchObject({ door: 'dm', channelId: DM_CHANNEL, threadId: undefined });
    expect(request.text).toBe("An IIS directory entry couldn't be created.\nHResult = -2147024891");
  });

  it('shortcut: the message text goes to explain, answered in the message thread', () => {
    const shortcut = messageShortcut('Could not establish trust relationship for the SSL/TLS secure channel', HOOK);
    const request = fromMessageShortcut(shortcut, 'explain');
    expectValidRequest(request);
    expect(request).toMatchObject({
      door: 'shortcut',
      threadId: shortcut.message.ts,
      text: 'explain Could not establish trust relationship for the SSL/TLS secure channel',
    });
    // Without an explain command the text goes to the router as it is (its fallback decides).
    expect(fromMessageShortcut(shortcut).text).toBe(
      'Could not establish trust relationship for the SSL/TLS secure channel',
    );
  });

  it('shortcut on a bot alert with no text reads its attachments', () => {
    const shortcut = messageShortcut('', HOOK, {
      attachments: [
        {
          title: 'Queue alert',
          text: '451 4.4.0 Primary target IP address responded with: "421 4.2.1 Unable to connect."',
          fallback: 'x',
        },
      ],
    });
    expect(fromMessageShortcut(shortcut, 'explain').text).toBe(
      'explain Queue alert\n451 4.4.0 Primary target IP address responded with: "421 4.2.1 Unable to connect."',
    );
  });

  it('button: the value is the command text; a Home tab button answers in the DM', () => {
    const inThread = fromBlockAction(
      buttonClick('cert mail.contoso.com', HOOK, { threadTs: '1699999999.000200' }),
      'cert mail.contoso.com',
    );
    expectValidRequest(inThread);
    expect(inThread).toMatchObject({
      door: 'action',
      channelId: CHANNEL,
      threadId: '1699999999.000200',
      text: 'cert mail.contoso.com',
    });
    const home = fromBlockAction(buttonClick('help relay', HOOK, { home: true }), 'help relay');
    expect(home).toMatchObject({ channelId: USER, threadId: undefined });
  });
});

describe('takePublicSwitch', () => {
  it.each([
    ['--public cert a', 'cert a', true],
    ['cert a --public', 'cert a', true],
    ['cert a  --PUBLIC  ', 'cert a', true],
    ['--public', '', true],
    ['explain error --public-key missing', 'explain error --public-key missing', false],
    ['explain foo --public bar', 'explain foo --public bar', false],
  ])('%j', (input, text, isPublic) => {
    expect(takePublicSwitch(input)).toEqual({ text, public: isPublic });
  });
});
