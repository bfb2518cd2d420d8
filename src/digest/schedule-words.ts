import { DiagError } from '../core/errors';

/**
 * Reading a schedule off the words of `digest add`, without loading croner: the command parses its text
 * on every message, and `diagbot help` must stay fast. schedule.ts checks and computes the slots.
 */

/** What was wrong with a schedule, worded for the person who typed it: a DiagError `schedule.invalid`. */
export function scheduleError(message: string): DiagError {
  return new DiagError('schedule.invalid', message);
}

const DAYS: Record<string, number> = {
  sun: 0,
  sunday: 0,
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
};
const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const CRON_FIELD = /^[0-9*,/\-?LW#]+$|^[A-Za-z]{3}([-,][A-Za-z]{3})*$/;

/** The shapes `digest add` accepts, for error messages and help. */
export const SCHEDULE_FORMS = [
  '"<cron>" — five fields, quoted: "0 8 * * 1-5" (minute hour day-of-month month day-of-week)',
  'daily HH:MM',
  'weekdays HH:MM (Monday to Friday)',
  'weekly <day>[,<day>…] HH:MM, e.g. weekly mon 09:00',
  'hourly (on the hour)',
];

export interface ScheduleWord {
  value: string;
  quoted: boolean;
}

/**
 * Reads a schedule off the start of `words`: a quoted cron pattern, five unquoted cron fields, a croner
 * nickname (`@daily`), or a friendly form. Returns the cron pattern, the text as typed, and how many
 * words it used. Throws `schedule.invalid` when the words do not make a schedule.
 */
export function readSchedule(words: readonly ScheduleWord[]): { pattern: string; text: string; used: number } {
  const first = words[0];
  if (!first) throw scheduleError('A schedule is missing.');
  const lower = first.value.toLowerCase();
  if (first.quoted || first.value.includes(' '))
    return { pattern: first.value.trim().replace(/\s+/g, ' '), text: `"${first.value.trim()}"`, used: 1 };
  if (NICKNAMES.has(lower)) return { pattern: lower, text: lower, used: 1 };
  const time = (word: ScheduleWord | undefined, form: string): { hour: number; minute: number } => {
    const match = word ? /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(word.value) : null;
    if (!match)
      throw scheduleError(
        `\`${form}\` needs a time as HH:MM (24-hour), e.g. \`${form} 08:00\`${word ? `, not \`${word.value.slice(0, 20)}\`` : ''}.`,
      );
    return { hour: Number(match[1]), minute: Number(match[2]) };
  };
  switch (lower) {
    case 'hourly':
      return { pattern: '0 * * * *', text: 'hourly', used: 1 };
    case 'daily': {
      const t = time(words[1], 'daily');
      return { pattern: `${t.minute} ${t.hour} * * *`, text: `daily ${words[1]?.value}`, used: 2 };
    }
    case 'weekdays': {
      const t = time(words[1], 'weekdays');
      return { pattern: `${t.minute} ${t.hour} * * 1-5`, text: `weekdays ${words[1]?.value}`, used: 2 };
    }
    case 'weekly': {
      const dayWord = words[1]?.value ?? '';
      const days = dayWord
        .toLowerCase()
        .split(',')
        .map((d) => DAYS[d.trim()]);
      if (dayWord === '' || days.some((d) => d === undefined)) {
        throw scheduleError(
          `\`weekly\` needs a day (mon, tue, … sun, or a list like mon,thu) then a time, e.g. \`weekly mon 09:00\`${dayWord ? `, not \`${dayWord.slice(0, 20)}\`` : ''}.`,
        );
      }
      const t = time(words[2], `weekly ${dayWord}`);
      const list = [...new Set(days as number[])].sort((a, b) => a - b).join(',');
      return {
        pattern: `${t.minute} ${t.hour} * * ${list}`,
        text: `weekly ${dayWord.toLowerCase()} ${words[2]?.value}`,
        used: 3,
      };
    }
    default:
      break;
  }
  const fields = words.slice(0, 5);
  if (fields.length === 5 && fields.every((w) => !w.quoted && CRON_FIELD.test(w.value))) {
    const pattern = fields.map((w) => w.value).join(' ');
    return { pattern, text: `"${pattern}"`, used: 5 };
  }
  if (CRON_FIELD.test(first.value)) {
    throw scheduleError(
      'A cron schedule has five fields (minute hour day-of-month month day-of-week); quote it, e.g. "0 8 * * 1-5".',
    );
  }
  throw scheduleError(`\`${first.value.slice(0, 30)}\` is not a schedule.`);
}
