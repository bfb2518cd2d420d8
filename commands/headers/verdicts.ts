import type { Finding } from '../../src/core/reply';
import type { HeaderAnalysis, Problem } from '../../src/headers';

/** `headers.spam` (spam, bulk and allow-list verdicts in words) and `headers.partial` (what was odd about the paste). */

const ALLOW_LAST =
  'Allow lists are a last resort: an allow entry skips filtering for everything that matches it, spoofed and malicious mail included. Use one only when the steps above cannot fix it, as narrowly as it goes (one sender, not a domain), and remove it when the sender is fixed.';

/** The same verdict often comes twice (X-MS-Exchange-Organization-SCL and the Forefront report's SCL): say it once. */
function once<T extends { meaning: string }>(verdicts: readonly T[]): T[] {
  const seen = new Set<string>();
  return verdicts.filter((v) => !seen.has(v.meaning) && Boolean(seen.add(v.meaning)));
}

export function spamFinding(analysis: HeaderAnalysis): Finding | undefined {
  const spam = once(analysis.verdicts.filter((v) => v.kind === 'spam' || v.kind === 'bulk'));
  const allowed = once(analysis.verdicts.filter((v) => v.kind === 'allow'));
  if (spam.length === 0 && allowed.length === 0) return undefined;
  if (spam.length === 0) {
    return {
      id: 'headers.spam',
      severity: 'info',
      message: `Filtering was skipped: ${allowed
        .slice(0, 3)
        .map((v) => v.meaning)
        .join('; ')}.`,
      fix: {
        summary:
          "Mail that skips filtering is not checked for spam or phishing. Keep allow entries few, narrow and reviewed; prefer fixing the sender's authentication.",
      },
    };
  }
  const bulkOnly = spam.every((v) => v.kind === 'bulk');
  const authFailed = [analysis.auth.dmarc, analysis.auth.compauth].some((r) => r && /fail/.test(r.result));
  const steps = [
    ...(authFailed
      ? ['It failed sender authentication (above): fixing SPF/DKIM/DMARC for the sending domain is the lasting fix.']
      : []),
    ...(bulkOnly
      ? [
          "Bulk mail is judged by the bulk complaint level (BCL): raise the anti-spam policy's BCL threshold only if your users want this kind of mail.",
        ]
      : []),
    'If it is a false positive, report it (Microsoft 365: Defender portal → Submissions; SpamAssassin/rspamd: train it as ham) so the filter learns.',
    'For a message in quarantine, release it; the release is recorded (SFV:SKQ).',
    ALLOW_LAST,
  ];
  return {
    id: 'headers.spam',
    severity: 'warn',
    message: `${bulkOnly ? 'Marked as bulk' : 'Marked as spam'}: ${spam
      .slice(0, 6)
      .map((v) => `${v.meaning} (${v.source})`)
      .join('; ')}.`,
    fix: { summary: 'Find out why before letting it through: the verdicts above name the reason.', steps },
  };
}

function describeProblem(problem: Problem): string {
  switch (problem.kind) {
    case 'cut':
      return `the paste was ${Math.round(problem.bytes / 1024)} KB; only its first ${Math.round(problem.limit / 1024)} KB were read`;
    case 'too-many-hops':
      return `it has ${problem.hops} Received: lines (a mail loop?); the newest ${problem.limit} were read`;
    case 'body':
      return `${problem.lines === 1 ? '1 line' : `${problem.lines} lines`} after the blank line look like the message body and ${problem.lines === 1 ? 'was' : 'were'} not read`;
    case 'leading-text':
      return `${problem.lines === 1 ? '1 line' : `${problem.lines} lines`} before the first header ${problem.lines === 1 ? 'was' : 'were'} skipped (a question, or the end of a header cut off at the top)`;
    case 'starts-mid-header':
      return 'it starts in the middle of a header (the top of the block is missing)';
    case 'no-date':
      return `hop ${problem.hop + 1} has no time stamp`;
    case 'bad-date':
      return `hop ${problem.hop + 1}'s time stamp "${problem.text}" is not a date I can read`;
    case 'unknown-zone':
      return `hop ${problem.hop + 1}'s time "${problem.text}" has no usable time zone; read as UTC`;
    case 'no-by':
      return `hop ${problem.hop + 1} names no receiving server`;
    default: {
      const unreachable: never = problem;
      throw new Error(`unknown problem ${String(unreachable)}`);
    }
  }
}

/** `headers.loop`: the same server receives the message again and again. */
export function loopFinding(analysis: HeaderAnalysis): Finding | undefined {
  const counts = new Map<string, number>();
  for (const hop of analysis.hops)
    if (hop.by) counts.set(hop.by.toLowerCase(), (counts.get(hop.by.toLowerCase()) ?? 0) + 1);
  const [host, times] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  // Twice is normal (a content filter hands mail back to the same MTA); four times is a loop.
  if (times < LOOP_TIMES) return undefined;
  return {
    id: 'headers.loop',
    severity: 'fail',
    message: `Mail loop: ${host} received this message ${times} times in ${analysis.hops.length} hops.`,
    fix: {
      summary:
        'Two servers keep handing the message to each other. Find the pair in the hop table and what makes each send it to the other.',
      steps: [
        'A forwarding rule or contact that points back (a mailbox forwarding to an address that forwards to it).',
        'An accepted domain set as internal relay on both sides, or a smart host / send connector that points at the server it came from.',
        'An MX or transport map that resolves to the sending host itself.',
      ],
    },
  };
}

const LOOP_TIMES = 4;

export function partialFinding(analysis: HeaderAnalysis): Finding | undefined {
  if (analysis.problems.length === 0) return undefined;
  const shown = analysis.problems.slice(0, 6).map(describeProblem);
  const more = analysis.problems.length - shown.length;
  const onlyBody = analysis.problems.every((p) => p.kind === 'body' || p.kind === 'leading-text');
  return {
    id: 'headers.partial',
    severity: onlyBody ? 'info' : 'warn',
    message: `The header block is partial or odd: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`,
    fix: {
      summary:
        'Paste the whole header block as the mail program shows it, from the first line to the blank line before the body.',
      steps: [
        "Outlook: File → Properties → Internet headers (or the message's … → View → Message details in Outlook on the web).",
        'Gmail: ⋮ → Show original; copy everything above the body.',
        'Postfix/Thunderbird: View → Message source, up to the first blank line.',
      ],
    },
  };
}
