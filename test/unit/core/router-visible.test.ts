import { z } from 'zod';
import type { Command } from '../../../src/core/command';
import { makeReply } from '../../../src/core/reply';
import { createRouter } from '../../../src/core/router';
import { silentLogger } from '../../../src/log/logger';
import { chatRequest } from '../../helpers/requests';

/** Issue 14, defect 6: a usage answer lists only the commands the person may run, as `help` does. */
const command = (name: string, minRole?: 'admin'): Command<{ positional: string[] }> => ({
  name,
  summary: `the ${name} command`,
  usage: name,
  examples: [name],
  minRole,
  args: z.object({ positional: z.array(z.string()) }),
  run: async () => makeReply({ command: name, title: name, findings: [] }),
});

describe('router usage answers', () => {
  const router = createRouter({
    commands: [command('help'), command('cert'), command('audit', 'admin')],
    log: silentLogger(),
    hooks: { roleOf: (request) => (request.userId === 'U0ADMIN' ? 'admin' : 'everyone') },
  });

  it.each(['nosuchcommand', '   '])('does not name admin-only commands to everyone (%j)', async (text) => {
    const reply = await router.handle(chatRequest(text, { userId: 'U0USER', door: 'command' }));
    expect(reply.status).toBe('error');
    const shown = JSON.stringify(reply.findings);
    expect(shown).toContain('cert');
    expect(shown).not.toContain('audit');
  });

  it('names them to an admin', async () => {
    const reply = await router.handle(chatRequest('nosuchcommand', { userId: 'U0ADMIN', door: 'command' }));
    expect(JSON.stringify(reply.findings)).toContain('audit');
  });
});
