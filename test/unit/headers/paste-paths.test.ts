import { createExplainCommand } from '../../../commands/explain';
import { createHeadersCommand } from '../../../commands/headers';
import { createRouter } from '../../../src/core/router';
import { isHeaderBlock } from '../../../src/headers';
import { looksLikeError } from '../../../src/kb';
import { captureLogger } from '../../helpers/logger';
import { chatRequest } from '../../helpers/requests';
import { fixture } from './fixtures';

// The fallback as src/main.ts wires it (test/integration/headers/cli.test.ts runs the real composition root).
const router = createRouter({
  commands: [createExplainCommand(), createHeadersCommand()],
  log: captureLogger(),
  fallback: { command: 'explain', accepts: (text) => looksLikeError(text) || isHeaderBlock(text) },
});

describe('a header block pasted anywhere gets the headers analysis', () => {
  const paste = fixture('gmail.txt');

  it('through explain (and so the "Explain this error" shortcut, which sends `explain <text>`)', async () => {
    const reply = await router.handle(chatRequest(`explain ${paste}`));
    expect(reply.command).toBe('headers');
    expect(reply.title).toMatch(/^held 8 min 7 s at mail\.northwind\.example → mx\.google\.com/);
  });

  it('in a DM and a mention, without any command word', async () => {
    for (const door of ['dm', 'mention'] as const) {
      const reply = await router.handle(chatRequest(paste, { door }));
      expect(reply.command).toBe('headers');
      expect(reply.findings.map((f) => f.id)).toContain('headers.auth.dmarc');
    }
  });

  it('leaves error pastes to explain', async () => {
    const reply = await router.handle(chatRequest('explain 550 5.7.1 Unable to relay'));
    expect(reply.command).toBe('explain');
    const dm = await router.handle(
      chatRequest('Received: from one line only; and an error 0x80070005', { door: 'dm' }),
    );
    expect(dm.command).toBe('explain');
  });
});
