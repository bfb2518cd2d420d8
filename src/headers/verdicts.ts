import type { Field } from './block';
import { microsoftVerdicts } from './microsoft';
import type { Verdict } from './types';

/**
 * Spam and routing verdicts decoded into words: Microsoft 365 (microsoft.ts), SpamAssassin, rspamd, Gmail,
 * and what a Postfix host's helpers (postgrey, amavis) stamp.
 */

function spamAssassin(key: string, value: string, name: string): Verdict[] {
  switch (key) {
    case 'x-spam-status': {
      const yes = /^\s*yes\b/i.test(value);
      const score = /score=(-?[\d.]+)/i.exec(value)?.[1];
      const required = /required=(-?[\d.]+)/i.exec(value)?.[1];
      // SpamAssassin writes `tests=A,B`, amavis `tests=[A=3.5, B=1.2]`.
      const tests = /tests=\[?([^\]]*?)(?:\]|\s+autolearn=|$)/i.exec(value)?.[1] ?? '';
      const topTests = tests
        .split(',')
        .map((t) => t.trim().split('=')[0] ?? '')
        .filter((t) => t !== '')
        .slice(0, 8)
        .join(', ');
      return [
        {
          source: 'SpamAssassin',
          field: name,
          value: value.slice(0, 200),
          meaning: `${yes ? 'spam' : 'not spam'}${score ? ` (score ${score}${required ? ` of ${required} needed` : ''})` : ''}${topTests ? `; rules: ${topTests}` : ''}`,
          kind: yes ? 'spam' : 'info',
        },
      ];
    }
    case 'x-spam-flag':
      return /yes/i.test(value)
        ? [{ source: 'SpamAssassin', field: name, value, meaning: 'the message was flagged as spam', kind: 'spam' }]
        : [];
    case 'x-spam':
      return /yes|true/i.test(value)
        ? [{ source: 'rspamd', field: name, value, meaning: 'the message was flagged as spam', kind: 'spam' }]
        : [];
    default:
      return [];
  }
}

function rspamd(key: string, value: string, name: string): Verdict[] {
  switch (key) {
    case 'x-spamd-result': {
      const m = /default:\s*(true|false)\s*\[\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)\s*\]/i.exec(value);
      if (!m) return [];
      const spam = (m[1] as string).toLowerCase() === 'true';
      const symbols = value
        .slice((m.index ?? 0) + m[0].length)
        .split(';')
        .map((s) => s.trim().split('(')[0]?.trim() ?? '')
        .filter((s) => s !== '')
        .slice(0, 8);
      return [
        {
          source: 'rspamd',
          field: name,
          value: value.slice(0, 200),
          meaning: `${spam ? 'spam' : 'not spam'} (score ${m[2]} of ${m[3]} to reject)${symbols.length > 0 ? `; symbols: ${symbols.join(', ')}` : ''}`,
          kind: spam ? 'spam' : 'info',
        },
      ];
    }
    case 'x-rspamd-action': {
      const action = value.trim().toLowerCase();
      const meaning: Record<string, string> = {
        'no action': 'no action: delivered normally',
        greylist: 'greylisted: the sending server was told to retry later, which delays the first delivery',
        'add header': 'spam header added: the mailbox rules usually file it as junk',
        'rewrite subject': 'subject rewritten to mark it as spam',
        'soft reject': 'temporarily rejected (try again later)',
        reject: 'rejected as spam',
      };
      return [
        {
          source: 'rspamd',
          field: name,
          value,
          meaning: Object.hasOwn(meaning, action) ? (meaning[action] as string) : `action ${value}`,
          kind: action === 'no action' ? 'info' : action === 'greylist' || action === 'soft reject' ? 'delay' : 'spam',
        },
      ];
    }
    default:
      return [];
  }
}

function gmail(key: string, value: string, name: string): Verdict[] {
  if (key === 'x-gm-spam' && value.trim() === '1')
    return [{ source: 'Gmail', field: name, value, meaning: 'Gmail classified the message as spam', kind: 'spam' }];
  if (key === 'x-gm-phishy' && value.trim() === '1')
    return [
      { source: 'Gmail', field: name, value, meaning: 'Gmail flagged the message as possible phishing', kind: 'spam' },
    ];
  return [];
}

function postfix(key: string, value: string, name: string): Verdict[] {
  if (key === 'x-greylist') {
    const delayed = /delayed\s+(\d+)\s+seconds/i.exec(value)?.[1];
    return [
      {
        source: 'Postfix (postgrey)',
        field: name,
        value: value.slice(0, 200),
        meaning: delayed
          ? `greylisted: held back ${delayed} s until the sending server retried`
          : `greylisting: ${value.slice(0, 120)}`,
        kind: delayed ? 'delay' : 'info',
      },
    ];
  }
  if (key === 'x-amavis-alert' || key === 'x-amavis-spam-status') {
    return [
      {
        source: 'Postfix (amavis)',
        field: name,
        value: value.slice(0, 200),
        meaning: /banned|infected|spam|yes/i.test(value)
          ? `amavis flagged it: ${value.slice(0, 120)}`
          : `amavis: ${value.slice(0, 120)}`,
        kind: /banned|infected|spam|yes/i.test(value) ? 'spam' : 'info',
      },
    ];
  }
  if (key === 'x-virus-scanned')
    return [{ source: 'Postfix (content filter)', field: name, value, meaning: `scanned by ${value}`, kind: 'info' }];
  return [];
}

/** The verdicts in the paste, newest first (the order written). Bounded: at most 40. */
export function readVerdicts(fields: readonly Field[]): Verdict[] {
  const out: Verdict[] = [];
  for (const field of fields) {
    const { name } = field;
    out.push(
      ...microsoftVerdicts(field.key, field.value, name),
      ...spamAssassin(field.key, field.value, name),
      ...rspamd(field.key, field.value, name),
      ...gmail(field.key, field.value, name),
      ...postfix(field.key, field.value, name),
    );
    if (out.length >= 40) return out.slice(0, 40);
  }
  return out;
}
