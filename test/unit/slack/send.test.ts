import { renderReply, type SlackMessage } from '../../../adapters/slack/render';
import {
  conversationTarget,
  createPostPort,
  fallbackTarget,
  isAllowedResponseUrl,
  postToResponseUrl,
  responseUrlTarget,
  type ChatApi,
} from '../../../adapters/slack/send';
import { makeReply } from '../../../src/core/reply';
import { silentLogger } from '../../../src/log/logger';
import { fakeId } from '../../helpers/finding-id';

const policy = { timeoutMs: 200, retries: 2, retryMinMs: 1, retryMaxMs: 5 };
const msg = (text: string): SlackMessage => ({ text, blocks: [] });
const big = makeReply({
  command: 'many',
  title: 't',
  findings: Array.from({ length: 70 }, (_, i) => ({
    id: fakeId(`x.${i}`),
    severity: 'info' as const,
    message: `m${i}`,
  })),
});

/** A recording ChatApi (a fake of the Web API; the integration tests use the real client against a capture server). */
function recordingApi(
  failWith?: string,
): ChatApi & { calls: Array<{ method: string; args: Record<string, unknown> }> } {
  const calls: Array<{ method: string; args: Record<string, unknown> }> = [];
  let n = 0;
  return {
    calls,
    async postMessage(args) {
      calls.push({ method: 'postMessage', args });
      if (failWith) throw Object.assign(new Error(failWith), { data: { ok: false, error: failWith } });
      n += 1;
      return { ts: `1.${n}` };
    },
    async update(args) {
      calls.push({ method: 'update', args });
      return {};
    },
  };
}

describe('response_url target', () => {
  it('replaces an ephemeral "checking …" with the answer, then posts follow-ups', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    const target = responseUrlTarget(async (b) => void bodies.push(b as Record<string, unknown>), { public: false });
    await target.interim(msg('checking'));
    await target.final(renderReply(big, { continuation: 'below' }));
    expect(bodies.map((b) => [b.response_type, b.replace_original])).toEqual([
      ['ephemeral', false],
      ['ephemeral', true],
      ['ephemeral', false],
    ]);
  });

  it('--public: removes the ephemeral interim, then posts in the channel', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    const target = responseUrlTarget(async (b) => void bodies.push(b as Record<string, unknown>), { public: true });
    await target.interim(msg('checking'));
    await target.final(renderReply(makeReply({ command: 'help', title: 'x', findings: [] })));
    expect(bodies[1]).toEqual({ delete_original: true });
    expect(bodies[2]).toMatchObject({ response_type: 'in_channel' });
  });

  it('keeps order even when the interim is still being sent', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const target = responseUrlTarget(
      async (b) => {
        const text = (b as { text: string }).text;
        if (text === 'checking') await gate;
        order.push(text);
      },
      { public: false },
    );
    const interim = target.interim(msg('checking'));
    const final = target.final({ main: msg('answer'), rest: [] });
    release();
    await Promise.all([interim, final]);
    expect(order).toEqual(['checking', 'answer']);
  });
});

describe('conversation target', () => {
  it('posts the interim in the thread and updates it into the answer; follow-ups go to the thread', async () => {
    const api = recordingApi();
    const target = conversationTarget(api, 'C1', '100.1');
    await target.interim(msg('checking'));
    await target.final(renderReply(big));
    expect(api.calls.map((c) => c.method)).toEqual(['postMessage', 'update', 'postMessage']);
    expect(api.calls[1]?.args).toMatchObject({ channel: 'C1', ts: '1.1' });
    expect(api.calls[2]?.args).toMatchObject({ thread_ts: '100.1' });
  });

  it('a top-level answer (a DM) puts its follow-ups in its own thread', async () => {
    const api = recordingApi();
    await conversationTarget(api, 'D1', undefined).final(renderReply(big));
    expect(api.calls[0]?.args.thread_ts).toBeUndefined();
    expect(api.calls[1]?.args.thread_ts).toBe('1.1');
  });

  it('falls back to the response_url when the bot is not in the channel, and only then', async () => {
    const bodies: object[] = [];
    const fallback = responseUrlTarget(async (b) => void bodies.push(b), { public: false });
    await fallbackTarget(
      conversationTarget(recordingApi('not_in_channel'), 'C1', '1.0'),
      fallback,
      silentLogger(),
    ).final({ main: msg('a'), rest: [] });
    expect(bodies).toHaveLength(1);
    await expect(
      fallbackTarget(conversationTarget(recordingApi('invalid_blocks'), 'C1', '1.0'), fallback, silentLogger()).final({
        main: msg('a'),
        rest: [],
      }),
    ).rejects.toThrow('invalid_blocks');
    expect(bodies).toHaveLength(1);
  });
});

describe('postToResponseUrl', () => {
  type Answer = { status: number; headers?: Record<string, string> } | 'timeout';
  /** A scripted fetch (unit level: the real round trips are in test/integration/slack). */
  const scriptedFetch = (answers: Answer[]) => {
    const seen: number[] = [];
    const fn = (async (_url: string | URL | Request, init?: RequestInit) => {
      seen.push(Date.now());
      const next = answers.shift() ?? { status: 200 };
      if (next === 'timeout') {
        await new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
      }
      const { status, headers } = next as { status: number; headers?: Record<string, string> };
      return new Response(status === 204 ? null : 'x', { status, headers });
    }) as typeof fetch;
    return { fn, seen };
  };

  it('retries 5xx and timeouts, then succeeds', async () => {
    const { fn, seen } = scriptedFetch([{ status: 500 }, 'timeout', { status: 200 }]);
    await postToResponseUrl('https://hooks.slack.com/x', {}, policy, fn);
    expect(seen).toHaveLength(3);
  });

  it('waits Retry-After on 429', async () => {
    const { fn, seen } = scriptedFetch([{ status: 429, headers: { 'retry-after': '0' } }, { status: 200 }]);
    await postToResponseUrl('https://hooks.slack.com/x', {}, policy, fn);
    expect(seen).toHaveLength(2);
  });

  it('does not retry an expired or used response_url (404), and gives up after the retries', async () => {
    const expired = scriptedFetch([{ status: 404 }]);
    await expect(postToResponseUrl('https://hooks.slack.com/x', {}, policy, expired.fn)).rejects.toThrow(
      'answered 404',
    );
    expect(expired.seen).toHaveLength(1);
    const down = scriptedFetch([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }]);
    await expect(postToResponseUrl('https://hooks.slack.com/x', {}, policy, down.fn)).rejects.toThrow('answered 503');
    expect(down.seen).toHaveLength(3);
  });

  it('posts only to Slack hosts, or to the configured API origin (a capture server)', () => {
    expect(isAllowedResponseUrl('https://hooks.slack.com/commands/T1/2/3')).toBe(true);
    expect(isAllowedResponseUrl('https://hooks.slack-gov.com/commands/T1/2/3')).toBe(true);
    expect(isAllowedResponseUrl('http://hooks.slack.com/commands/T1/2/3')).toBe(false);
    expect(isAllowedResponseUrl('https://hooks.slack.com.evil.example/x')).toBe(false);
    expect(isAllowedResponseUrl('http://169.254.169.254/latest/meta-data')).toBe(false);
    expect(isAllowedResponseUrl('http://127.0.0.1:24001/hooks/a', 'http://127.0.0.1:24001/api/')).toBe(true);
    expect(isAllowedResponseUrl('http://127.0.0.1:24002/hooks/a', 'http://127.0.0.1:24001/api/')).toBe(false);
  });
});

describe('post port', () => {
  it('posts the digest with chat.postMessage and its overflow in the thread', async () => {
    const api = recordingApi();
    const port = createPostPort(() => api);
    const { messageId } = await port.post({ platform: 'slack', channelId: 'C9' }, big);
    expect(messageId).toBe('1.1');
    expect(api.calls.map((c) => [c.args.channel, c.args.thread_ts])).toEqual([
      ['C9', undefined],
      ['C9', '1.1'],
    ]);
    await expect(port.post({ platform: 'teams', channelId: 'x' }, big)).rejects.toThrow('cannot post to teams');
  });
});
