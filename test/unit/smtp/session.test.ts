import { Socket } from 'node:net';
import { DiagError } from '../../../src/core/errors';
import { LineSocket } from '../../../src/net/line-socket';
import { readSmtpReply } from '../../../src/net/smtp-reply';
import { SmtpSession } from '../../../src/smtp/session';

/** An unconnected socket we feed by hand: what a server would send, in whatever pieces we like. */
function fedSocket(): { socket: Socket; feed(text: string): void; written: string[] } {
  const socket = new Socket();
  const written: string[] = [];
  // No peer: capture writes instead of sending them.
  socket.write = ((chunk: string | Uint8Array): boolean => {
    written.push(chunk.toString());
    return true;
  }) as Socket['write'];
  return { socket, written, feed: (text) => socket.emit('data', Buffer.from(text, 'latin1')) };
}

describe('SmtpSession', () => {
  it.each(['DATA', 'data', ' DATA', 'BDAT 100 LAST'])('refuses to send %j', async (command) => {
    const { socket, written } = fedSocket();
    const session = new SmtpSession(socket, 1000);
    await expect(session.command(command)).rejects.toThrow(/refuses to send DATA or BDAT/);
    expect(written).toEqual([]);
    expect(session.transcript).toEqual([]);
    session.close();
  });

  it('refuses a command with a line break (no smuggled DATA)', async () => {
    const { socket, written } = fedSocket();
    const session = new SmtpSession(socket, 1000);
    await expect(session.command('RCPT TO:<a@example.org>\r\nDATA')).rejects.toThrow(/line break/);
    expect(written).toEqual([]);
    session.close();
  });

  it('records each exchange and reads replies split across packets', async () => {
    const { socket, feed, written } = fedSocket();
    const session = new SmtpSession(socket, 1000);
    const greeting = session.greeting();
    feed('220 mx.contoso');
    feed('.com ESMTP\r\n');
    expect((await greeting).code).toBe(220);
    const ehlo = session.command('EHLO [10.0.0.5]');
    feed('250-mx.contoso.com\r\n250-PIPE');
    feed('LINING\r\n250 SIZE 10\r');
    feed('\n');
    const reply = await ehlo;
    expect(reply.lines).toEqual(['mx.contoso.com', 'PIPELINING', 'SIZE 10']);
    expect(written).toEqual(['EHLO [10.0.0.5]\r\n']);
    expect(session.transcript).toEqual([
      { send: null, reply: '220 mx.contoso.com ESMTP' },
      { send: 'EHLO [10.0.0.5]', reply: '250-mx.contoso.com\n250-PIPELINING\n250 SIZE 10' },
    ]);
    session.close();
  });
});

describe('readSmtpReply', () => {
  it('takes the enhanced code from the first line', async () => {
    const { socket, feed } = fedSocket();
    const lines = new LineSocket(socket);
    const pending = readSmtpReply(lines, 'the reply to RCPT TO', 1000);
    feed('554-5.7.1 <x@example.org>: Relay access denied\r\n554 5.7.1 see the docs\r\n');
    expect(await pending).toMatchObject({
      code: 554,
      enhanced: '5.7.1',
      lines: ['5.7.1 <x@example.org>: Relay access denied', '5.7.1 see the docs'],
    });
    lines.close();
  });

  it('refuses a multi-line reply whose codes change mid-way', async () => {
    const { socket, feed } = fedSocket();
    const lines = new LineSocket(socket);
    const pending = readSmtpReply(lines, 'the reply to EHLO', 1000);
    feed('250-mx\r\n550 nope\r\n');
    await expect(pending).rejects.toMatchObject({ code: 'smtp.unexpected-reply' });
    lines.close();
  });

  it('refuses a 100 KB line without waiting for its end', async () => {
    const { socket, feed } = fedSocket();
    const lines = new LineSocket(socket);
    const pending = readSmtpReply(lines, 'the SMTP banner', 5000);
    feed(`220 ${'x'.repeat(100 * 1024)}`);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiagError);
    expect((error as DiagError).code).toBe('smtp.unexpected-reply');
  });
});
