import { matches } from './limit';
import type { Found } from './types';

/**
 * HTTP status codes as .NET (`(503) Server Unavailable`), IIS (`HTTP Error 500.19`), WinRM
 * (`HTTP server error status (500)`) and plain logs (`HTTP/1.1 401`, `status code 404`) print them.
 */

/** RFC 9110 reason phrases (and the few non-standard ones Microsoft products print). */
export const HTTP_REASONS: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  440: 'Login Time-out (Exchange/IIS)',
  449: 'Retry With (Exchange ActiveSync)',
  451: 'Unavailable For Legal Reasons (or ActiveSync redirect)',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  507: 'Insufficient Storage',
};

const MEANINGS: Record<number, string> = {
  401: 'the server wants credentials it did not get or did not accept',
  403: 'the server understood who you are and refuses anyway (permissions, SSL settings or an IP restriction)',
  404: 'the URL path does not exist on that server (wrong virtual directory or URL)',
  407: 'a proxy between you and the server wants credentials',
  440: 'the Outlook on the web / ECP session expired or its cookie was rejected',
  500: 'the server hit an error while running the request; its own logs say why',
  502: 'a proxy or load balancer could not get a valid answer from the server behind it',
  503: 'the service is down, overloaded, or a proxy refused the request',
  504: 'a proxy or load balancer gave up waiting for the server behind it',
};

const PAREN = /\((\d{3})\) ([A-Z][A-Za-z -]{1,40})/g;
const CONTEXT =
  /\b(?:https?[/\d.]{0,4}|http error|error status|status code of|status ?code|http status)[ :=(]{1,3}([1-5]\d\d)(\.\d{1,3}|)\b/gi;

/** Every regex here, for the static backtracking check in the tests. */
export const HTTP_PATTERNS: readonly RegExp[] = [PAREN, CONTEXT];

function looksLikeReason(words: string, reason: string): boolean {
  const first = (s: string): string => s.toLowerCase().slice(0, 4);
  return (
    first(words) === first(reason) ||
    /unavailable|error|denied|forbidden|unauthori|not found|gateway|timeout|required/i.test(words)
  );
}

function httpCode(code: number, sub: string | undefined, raw: string, index: number, end: number): Found {
  const reason = HTTP_REASONS[code] as string;
  const meaning = MEANINGS[code];
  const value = sub === undefined ? String(code) : `${code}.${sub}`;
  return {
    kind: 'http',
    raw,
    value,
    name: reason,
    meaning: meaning ? `${reason}: ${meaning}.` : `${reason}.`,
    parts: sub === undefined ? { status: code } : { status: code, substatus: Number(sub) },
    keys: sub === undefined ? [`http:${code}`] : [`http:${code}`, `http:${value}`],
    index,
    end,
  };
}

export function findHttpCodes(text: string, lower: string = text.toLowerCase()): Found[] {
  const out: Found[] = [];
  for (const m of text.includes('(') ? matches(text, PAREN) : []) {
    const code = Number(m[1]);
    const reason = HTTP_REASONS[code];
    // `(503) Server Unavailable`: the words after the number must look like a status reason.
    if (!reason || !looksLikeReason(m[2] as string, reason)) continue;
    out.push(httpCode(code, undefined, m[0].trim(), m.index + 1, m.index + 4));
  }
  for (const m of /http|status/.test(lower) ? matches(text, CONTEXT) : []) {
    const code = Number(m[1]);
    if (!HTTP_REASONS[code]) continue;
    const digits = m[1] as string;
    const start = m.index + m[0].lastIndexOf(digits);
    const sub = (m[2] as string).slice(1);
    out.push(httpCode(code, sub === '' ? undefined : sub, m[0], start, start + 3));
  }
  return out;
}
