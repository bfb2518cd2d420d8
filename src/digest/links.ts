import type { Fix, Link } from '../core/reply';
import { SCHEDULE_FORMS } from './schedule-words';

/** Documentation the digest's fixes point to (no croner here: `digest.bad-schedule` is built without it). */
export const DIGEST_LINKS = {
  cron: {
    title: 'crontab(5): the cron pattern fields (and the day-of-month OR day-of-week rule)',
    url: 'https://man7.org/linux/man-pages/man5/crontab.5.html',
  },
  croner: { title: 'croner: pattern syntax', url: 'https://croner.56k.guru/usage/pattern/' },
  zones: {
    title: 'IANA time zone names (tz database)',
    url: 'https://en.wikipedia.org/wiki/List_of_tz_database_time_zones',
  },
  slackPost: {
    title: 'Slack API: chat.postMessage (errors such as not_in_channel)',
    url: 'https://api.slack.com/methods/chat.postMessage',
  },
  teamsProactive: {
    title: 'Microsoft Teams: send proactive messages',
    url: 'https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages',
  },
} satisfies Record<string, Link>;

/** How to write a schedule, for `digest.bad-schedule`. */
export function scheduleFix(): Fix {
  return {
    summary:
      'Write the schedule in one of these forms, then the checks separated by `;`, e.g. `digest add weekdays 08:00 --tz Europe/London cert mail.contoso.com; relay 203.0.113.9`.',
    steps: [...SCHEDULE_FORMS, '--tz takes an IANA time zone name (Europe/London, America/New_York, UTC).'],
    links: [DIGEST_LINKS.cron, DIGEST_LINKS.croner, DIGEST_LINKS.zones],
  };
}
