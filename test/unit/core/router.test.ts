import { z } from 'zod';
import type { Command } from '../../../src/core/command';
import { DiagError, usageError } from '../../../src/core/errors';
import { makeReply } from '../../../src/core/reply';
import { createRouter } from '../../../src/core/router';
import { createHelpCommand } from '../../../commands/help';
import { captureLogger } from '../../helpers/logger';
import { chatRequest } from '../../helpers/requests';
import { fakeId } from '../../helpers/finding-id';

/** A command that echoes what the parser gave it, so the tests see exactly what a handler receives. */
const probe: Command<{
  positional: string[];
  starttls?: 'smtp' | 'imap' | 'pop3' | 'none';
  name?: string;
  policyOnly?: boolean;
  tag?: string[];
}> = {
  name: 'probe',
  summary: 'Echo the parsed arguments.',
  usage: 'probe <host> [--starttls smtp|imap|pop3|none] [--name N] [--policy-only]',
  examples: ['probe mail.contoso.com --starttls smtp'],
  args: z.object({
    positional: z.array(z.string()).min(1, 'give a host, e.g. `probe mail.contoso.com`').max(3),
    starttls: z.enum(['smtp', 'imap', 'pop3', 'none']).optional().describe('protocol to upgrade with STARTTLS'),
    name: z.string().optional().describe('name to verify'),
    policyOnly: z.boolean().optional().describe('evaluate only'),
    tag: z.array(z.string()).optional().describe('repeatable'),
  }),
  async run(args) {
    return makeReply({
      command: 'probe',
      title: 'parsed',
      findings: [{ id: fakeId('probe.ok'), severity: 'ok', message: 'ok' }],
      data: { args },
    });
  },
};

const verbatim: Command<{ text: string }> = {
  name: 'explain',
  summary: 'Echo the text verbatim.',
  usage: 'explain <text>',
  examples: ['explain Access is denied'],
  input: 'verbatim',
  args: z.object({ text: z.string().min(1, 'paste an error after `explain`') }),
  async run(args) {
    return makeReply({ command: 'explain', title: 'text', findings: [], data: { text: args.text } });
  },
};

const failing: Command<{ positional: string[] }> = {
  name: 'boom',
  summary: 'Fail in different ways.',
  usage: 'boom diag|crash',
  examples: ['boom diag'],
  args: z.object({ positional: z.array(z.string()) }),
  async run(args) {
    if (args.positional[0] === 'diag')
      throw new DiagError('net.timeout', 'Timed out waiting for the banner.', { data: { step: 'banner' } });
    if (args.positional[0] === 'usage') throw usageError('bad host', 'boom diag');
    throw new Error('secret internal detail');
  },
};

const adminOnly: Command<{ positional: string[] }> = {
  name: 'danger',
  summary: 'Admins only.',
  usage: 'danger',
  examples: ['danger'],
  minRole: 'admin',
  args: z.object({ positional: z.array(z.string()) }),
  async run() {
    return makeReply({ command: 'danger', title: 'ran', findings: [] });
  },
};

function router(options: Partial<Parameters<typeof createRouter>[0]> = {}) {
  const log = captureLogger();
  return {
    log,
    router: createRouter({
      commands: [probe, verbatim, failing, adminOnly, createHelpCommand()],
      log,
      fallback: { command: 'explain', accepts: (text) => /denied|error|0x[0-9a-f]{8}/i.test(text) },
      ...options,
    }),
  };
}

describe('router: parsing', () => {
  const { router: r } = router();
  const args = async (text: string) => (await r.handle(chatRequest(text))).data.args;

  it.each([
    ['probe mail.contoso.com:443 --starttls smtp', { positional: ['mail.contoso.com:443'], starttls: 'smtp' }],
    ['probe mail.contoso.com --starttls=imap', { positional: ['mail.contoso.com'], starttls: 'imap' }],
    ['probe a --policy-only', { positional: ['a'], policyOnly: true }],
    ['probe a --policy-only=false', { positional: ['a'], policyOnly: false }],
    ['probe a --name "mail contoso"', { positional: ['a'], name: 'mail contoso' }],
    ['probe -- --not-a-flag x', { positional: ['--not-a-flag', 'x'] }],
    ['probe "--quoted" x', { positional: ['--quoted', 'x'] }],
    ['PROBE a --NAME b', { positional: ['a'], name: 'b' }],
  ])('%s', async (text, expected) => {
    expect(await args(text)).toEqual(expected);
  });

  it('gives verbatim commands the rest of the text with line breaks', async () => {
    const reply = await r.handle(chatRequest('explain An error\n  HResult = -2147024891\n'));
    expect(reply.data.text).toBe('An error\n  HResult = -2147024891');
  });
});

describe('router: repeatable flags', () => {
  it('collects an array flag given several times, in order, in both spellings', async () => {
    const { router: r } = router();
    const reply = await r.handle(chatRequest('probe a --tag one --tag=two --tag three'));
    expect(reply.data.args).toMatchObject({ positional: ['a'], tag: ['one', 'two', 'three'] });
  });
});

describe('router: usage errors', () => {
  const { router: r } = router();

  it.each([
    ['probe', 'give a host'],
    ['probe a --bogus', 'has no option --bogus'],
    ['probe a --starttls', '--starttls needs a value'],
    ['probe a --starttls ftp', '--starttls:'],
    ['probe a --name x --name y', 'given twice'],
    ['probe a --policy-only=maybe', 'is a switch'],
    ['probe "unterminated', 'unterminated double quote'],
    ['explain', 'paste an error'],
  ])('%s', async (text, fragment) => {
    const reply = await r.handle(chatRequest(text));
    expect(reply.status).toBe('error');
    expect(reply.findings[0]?.id).toBe('usage');
    expect(reply.findings[0]?.message).toContain(fragment);
    expect(reply.findings[0]?.fix?.summary).toMatch(/^Try: /);
  });

  it('answers an unknown command with usage naming the real commands', async () => {
    const reply = await r.handle(chatRequest('frobnicate now'));
    expect(reply.command).toBe('usage');
    expect(reply.status).toBe('error');
    expect(reply.findings[0]?.message).toContain('`frobnicate` is not a command');
    expect(reply.findings[0]?.message).toContain('probe, explain, boom, danger, help');
  });

  it('answers an empty message with usage', async () => {
    const reply = await r.handle(chatRequest('   '));
    expect(reply.command).toBe('usage');
  });
});

describe('router: fallback to explain', () => {
  const { router: r } = router();

  it('sends an error paste in a DM or mention to the fallback', async () => {
    for (const door of ['dm', 'mention'] as const) {
      const reply = await r.handle(
        chatRequest('550 5.7.1 Unable to relay: access denied', { door, platform: 'slack' }),
      );
      expect(reply.command).toBe('explain');
      expect(reply.data.text).toBe('550 5.7.1 Unable to relay: access denied');
    }
  });

  it('gives usage for chatter in a DM and for anything through a slash command', async () => {
    expect((await r.handle(chatRequest('good morning', { door: 'dm' }))).command).toBe('usage');
    expect((await r.handle(chatRequest('access denied', { door: 'command' }))).command).toBe('usage');
  });
});

describe('router: failures become Replies', () => {
  it('turns a DiagError into its finding', async () => {
    const { router: r } = router();
    const reply = await r.handle(chatRequest('boom diag'));
    expect(reply).toMatchObject({ command: 'boom', status: 'error', data: { step: 'banner' } });
    expect(reply.findings[0]).toMatchObject({ id: 'net.timeout', severity: 'error' });
  });

  it('hides an unexpected error behind a correlation id and logs it', async () => {
    const { router: r, log } = router();
    const reply = await r.handle(chatRequest('boom crash'));
    expect(reply.findings[0]?.id).toBe('internal');
    expect(JSON.stringify(reply)).not.toContain('secret internal detail');
    const id = reply.data.correlationId as string;
    expect(reply.findings[0]?.message).toContain(id);
    expect(
      log.lines.some((l) => l.level === 'error' && (l.obj as { correlationId?: string }).correlationId === id),
    ).toBe(true);
  });
});

describe('router: roles and hooks', () => {
  it("refuses a command above the caller's role and hides it from help", async () => {
    const { router: r } = router({ hooks: { roleOf: () => 'everyone' } });
    const refused = await r.handle(chatRequest('danger'));
    expect(refused.findings[0]?.id).toBe('auth.forbidden');
    const help = await r.handle(chatRequest('help'));
    expect(JSON.stringify(help.data)).not.toContain('danger');
    expect(JSON.stringify(help.data)).toContain('probe');
  });

  it('lets admit refuse and reports every request to completed', async () => {
    const events: string[] = [];
    const { router: r } = router({
      hooks: {
        admit: async (_req, command) =>
          command.name === 'probe'
            ? makeReply({
                command: 'probe',
                status: 'error',
                title: 'slow down',
                findings: [{ id: 'rate.limited', severity: 'error', message: 'later' }],
              })
            : undefined,
        completed: (event) => void events.push(`${event.command}:${event.reply.status}`),
      },
    });
    expect((await r.handle(chatRequest('probe a'))).findings[0]?.id).toBe('rate.limited');
    await r.handle(chatRequest('help'));
    expect(events).toEqual(['probe:error', 'help:ok']);
  });
});
