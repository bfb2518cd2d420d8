import { registerEchoBot } from './teams-echo-bot';
import { serveBenchApp } from './app';
import { startBotConnectorCapture, type BotConnectorCapture } from '../test/helpers/bot-connector-capture';
import { percentile, report, rssMb } from './stats';

/**
 * 200 concurrent Teams message activities against POST /api/messages on loopback: time until the answer
 * reaches the Bot Connector (a local capture server) for `explain`, against botbuilder's bare echo bot on
 * the same HTTP server in the same run (target ratio ≤ 1.3×); resident memory after start and after the
 * load. Local development mode (no app id), so no token work on either side. Ports 25000-25999.
 */
const CONCURRENCY = 200;
const ROUNDS = 5;
const TEXT =
  'explain The WinRM client received an HTTP server error status (500): Access is denied. (Exception from HRESULT: 0x80070005 (E_ACCESSDENIED))';

function activity(serviceUrl: string, conversation: string, text: string): Record<string, unknown> {
  return {
    type: 'message',
    id: `${conversation}-m`,
    channelId: 'msteams',
    serviceUrl,
    text,
    from: { id: '29:bench-user', aadObjectId: '00000000-0000-4000-8000-0000000000be' },
    recipient: { id: '28:bench-bot', name: 'diagbot' },
    conversation: { conversationType: 'personal', tenantId: 'bench-tenant', id: conversation },
    channelData: { tenant: { id: 'bench-tenant' } },
  };
}

/**
 * Fires CONCURRENCY activities at once; each sample is the time until its answer message was captured.
 * `typing` counts the typing indicators diagbot sent (one per check still running after 500 ms).
 */
async function round(
  capture: BotConnectorCapture,
  url: string,
  prefix: string,
  text: string,
): Promise<{ samples: number[]; typing: number }> {
  const samples: number[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_v, i) => {
      const conversation = `${prefix}-${i}`;
      const started = process.hrtime.bigint();
      const answered = capture.waitFor(
        (c) => c.conversationId === conversation && c.activity.type === 'message',
        60_000,
      );
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity(capture.url, conversation, text)),
      });
      if (response.status !== 200) throw new Error(`${prefix}: HTTP ${response.status}`);
      await answered;
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }),
  );
  const typing = capture.calls.filter((c) => c.activity.type === 'typing').length;
  capture.reset();
  return { samples, typing };
}

export async function run(): Promise<void> {
  const capture = await startBotConnectorCapture({ ports: [25000, 25499] });
  // diagbot as `serve` runs it (createApp), in local development mode; the echo bot shares its HTTP server.
  const diagbot = await serveBenchApp({ teams: { allowUnauthenticated: true } }, { ports: { from: 25500, to: 25999 } });
  const hasExplain = diagbot.app.router.commands().some((c) => c.name === 'explain');
  const text = hasExplain ? TEXT : 'help';
  registerEchoBot(diagbot.serving.http, '/bench/echo');
  const base = diagbot.base;
  console.log(`teams        command measured: ${hasExplain ? 'explain' : 'help (explain is not registered)'}`);
  report('teams', 'rss after start', rssMb(), 'MB');

  try {
    // Warm both paths (module loading, JIT) before measuring.
    await round(capture, `${base}/api/messages`, 'warm-diag', text);
    await round(capture, `${base}/bench/echo`, 'warm-echo', 'hello');
    const diag: number[] = [];
    const echo: number[] = [];
    let typing = 0;
    for (let r = 0; r < ROUNDS; r += 1) {
      echo.push(...(await round(capture, `${base}/bench/echo`, `echo-${r}`, 'hello')).samples);
      const measured = await round(capture, `${base}/api/messages`, `diag-${r}`, text);
      diag.push(...measured.samples);
      typing += measured.typing;
    }
    const [d50, d99, e50, e99] = [
      percentile(diag, 50),
      percentile(diag, 99),
      percentile(echo, 50),
      percentile(echo, 99),
    ];
    report('teams', `diagbot ${hasExplain ? 'explain' : 'help'} → captured reply p50`, d50, 'ms');
    report('teams', `diagbot ${hasExplain ? 'explain' : 'help'} → captured reply p99`, d99, 'ms');
    report('teams', 'bare botbuilder echo → captured reply p50', e50, 'ms');
    report('teams', 'bare botbuilder echo → captured reply p99', e99, 'ms');
    report('teams', 'ratio p50 (target <= 1.3x)', d50 / e50, 'x');
    report('teams', 'ratio p99', d99 / e99, 'x');
    report('teams', 'typing indicators sent (checks over 500 ms)', (typing / diag.length) * 100, '%');
    report('teams', `rss after ${(ROUNDS + 1) * CONCURRENCY * 2} activities`, rssMb(), 'MB');
  } finally {
    await diagbot.close();
    await capture.close();
  }
}
