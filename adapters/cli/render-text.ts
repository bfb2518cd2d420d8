import type { Reply, Severity, Status } from '../../src/core/reply';

/** ANSI colours for a TTY; `NO_COLOR` or a pipe gives plain text. */
export interface TextStyle {
  color: boolean;
}

const CODES = { red: 31, yellow: 33, green: 32, cyan: 36, dim: 2, bold: 1 } as const;
type Colour = keyof typeof CODES;

const SEVERITY_MARK: Record<Severity, [string, Colour]> = {
  ok: ['✔', 'green'],
  info: ['•', 'cyan'],
  warn: ['▲', 'yellow'],
  fail: ['✖', 'red'],
  error: ['!', 'red'],
};

const STATUS_COLOUR: Record<Status, Colour> = { ok: 'green', warn: 'yellow', fail: 'red', error: 'red' };

/** Strips control characters (other than new lines and tabs) so server text cannot drive the terminal. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/** Reply → text for a terminal: status and title, one block per finding, facts, then follow-ups. */
export function renderText(reply: Reply, style: TextStyle): string {
  const paint = (colour: Colour, text: string): string =>
    style.color ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
  const lines: string[] = [];
  lines.push(
    `${paint(STATUS_COLOUR[reply.status], `[${reply.status.toUpperCase()}]`)} ${paint('bold', clean(reply.title))}`,
  );
  for (const finding of reply.findings) {
    const [mark, colour] = SEVERITY_MARK[finding.severity];
    lines.push(`  ${paint(colour, mark)} ${clean(finding.message)} ${paint('dim', `(${finding.id})`)}`);
    if (finding.fix) {
      lines.push(`      fix: ${clean(finding.fix.summary)}`);
      for (const step of finding.fix.steps ?? []) lines.push(`        - ${clean(step)}`);
      for (const link of finding.fix.links ?? []) lines.push(`        ${clean(link.title)}: ${clean(link.url)}`);
    }
  }
  if (reply.facts.length > 0) {
    const width = Math.min(24, Math.max(...reply.facts.map((f) => f.label.length)));
    lines.push('');
    for (const fact of reply.facts)
      lines.push(`  ${paint('dim', clean(fact.label).padEnd(width))}  ${clean(fact.value)}`);
  }
  if (reply.actions.length > 0) {
    lines.push('');
    lines.push(`  next: ${reply.actions.map((a) => clean(a.command)).join('  |  ')}`);
  }
  return lines.join('\n');
}
