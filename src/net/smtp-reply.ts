import { DiagError, isDiagError } from '../core/errors';
import type { LineSocket } from './line-socket';
import { timeoutError } from './deadline';

/** One SMTP reply, possibly multi-line (`250-…` … `250 …`). */
export interface SmtpReply {
  code: number;
  /** RFC 3463 enhanced status code when the server sent one (`5.7.1`). */
  enhanced?: string;
  /** Text of every line, without the code and separator. */
  lines: string[];
  /** The reply as the server sent it, lines joined with `\n`. */
  raw: string;
}

const MAX_REPLY_LINES = 200;

/** Reads one complete reply within `ms` (the whole reply, not each line); anything not SMTP is a DiagError. */
export async function readSmtpReply(lines: LineSocket, step: string, ms: number): Promise<SmtpReply> {
  const deadline = Date.now() + ms;
  const texts: string[] = [];
  const raws: string[] = [];
  let code: number | undefined;
  for (let count = 0; count < MAX_REPLY_LINES; count += 1) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timeoutError(step, ms);
    const line = await lines.readLine(step, remaining).catch((error: unknown) => {
      if (isDiagError(error, 'net.timeout')) throw timeoutError(step, ms);
      throw error;
    });
    const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
    if (!match || (code !== undefined && Number(match[1]) !== code)) {
      throw new DiagError('smtp.unexpected-reply', `Expected an SMTP reply for ${step}, got: ${truncate(line)}`, {
        data: { line: truncate(line) },
      });
    }
    code = Number(match[1]);
    texts.push(match[3] as string);
    raws.push(line);
    if (match[2] !== '-') {
      const enhanced = /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(texts[0] ?? '')?.[1];
      return { code, enhanced, lines: texts, raw: raws.join('\n') };
    }
  }
  throw new DiagError('smtp.unexpected-reply', `The reply to ${step} ran past ${MAX_REPLY_LINES} lines.`);
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
