import { z } from 'zod';
import type { AuditRow, AuditStore } from '../src/store/audit-types';
import { parseSince } from '../src/audit/since';
import type { Command } from '../src/core/command';
import { DiagError, usageError } from '../src/core/errors';
import { makeReply, type Finding } from '../src/core/reply';

const EXAMPLE = 'audit --user U012AB3CD --since 24h';
/** Rows shown as findings; all rows (up to --limit) are in `data.rows`. Chat cards hold about this many lines. */
const SHOWN = 20;

const auditArgs = z.object({
  positional: z.array(z.string()).max(0, `audit takes only options, e.g. \`${EXAMPLE}\``),
  user: z.string().min(1).max(200).optional().describe('only this user id (Slack U…, Teams AAD object id, local)'),
  since: z
    .string()
    .min(1)
    .max(40)
    .optional()
    .describe('how far back: 30m, 24h, 7d, 2w or a date like 2025-01-31 (default 24h)'),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, '--limit takes a number, e.g. --limit 100')
    .optional()
    .describe('at most this many rows, newest first (default 50, at most 500)'),
});

export type AuditArgs = z.infer<typeof auditArgs>;

function line(row: AuditRow): string {
  const when = row.at.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  const what = row.target ? `${row.command} ${row.target}` : row.command;
  const how = row.outcome ? `${row.status} (${row.outcome})` : row.status;
  return `${when} · ${row.platform} ${row.userId} in ${row.channelId} · ${what} · ${how} · ${row.durationMs} ms · ${row.correlationId}`;
}

function summary(rows: readonly AuditRow[]): string {
  const people = new Set(rows.map((r) => `${r.platform}:${r.userId}`)).size;
  const outcomes = new Map<string, number>();
  for (const row of rows) if (row.outcome) outcomes.set(row.outcome, (outcomes.get(row.outcome) ?? 0) + 1);
  const refused = [...outcomes.entries()].map(([id, n]) => `${id} ×${n}`).join(', ');
  return `${rows.length} command${rows.length === 1 ? '' : 's'} by ${people} ${people === 1 ? 'person' : 'people'}${refused ? `; errors and refusals: ${refused}` : ''}.`;
}

/**
 * `audit [--user U] [--since 24h] [--limit N]`: who ran what, where, against which target, and how it
 * ended — refusals (role, rate limit, policy) included. Admins only.
 */
export function createAuditCommand(deps: { audit?: AuditStore }): Command<AuditArgs> {
  return {
    name: 'audit',
    summary: 'Show the audit trail: who ran which command, where, and how it ended (admins).',
    usage: 'audit [--user <user id>] [--since 24h|7d|<date>] [--limit <n>]',
    examples: ['audit', EXAMPLE, 'audit --since 7d --limit 200'],
    minRole: 'admin',
    details: [
      'Every command run is recorded, refusals included: who, where, command, target, status, duration, correlation id.',
      'The command text is never recorded, so nothing pasted into a command lands in the trail.',
      "Find a row's details in the logs by its correlation id.",
    ],
    args: auditArgs,
    async run(args, ctx) {
      const store = deps.audit;
      if (!store) {
        throw new DiagError('audit.unavailable', 'The audit trail is not available in this run of diagbot.', {
          fix: {
            summary:
              'Check `store.path` (DIAGBOT_DB), or `store.url` (DIAGBOT_DATABASE_URL) for PostgreSQL, and the start-up log.',
          },
        });
      }
      const sinceText = args.since ?? '24h';
      const since = parseSince(sinceText, ctx.now());
      if (!since)
        throw usageError(
          `--since takes a span like 30m, 24h, 7d or 2w, or a date like 2025-01-31; \`${sinceText}\` is neither`,
          EXAMPLE,
        );
      const limit = Math.min(500, Math.max(1, Number(args.limit ?? '50')));
      // Slack renders a mention typed as `@U012AB3CD`; the stored id has no `@`.
      const user = args.user?.replace(/^@/, '');
      const rows = await store.query({ userId: user, since, limit });
      const scope = `since ${since.toISOString().replace(/\.\d{3}Z$/, 'Z')}${user ? ` by ${user}` : ''}`;
      const findings: Finding[] = [
        {
          id: 'audit.summary',
          severity: 'info',
          message: rows.length === 0 ? `No commands were recorded ${scope}.` : summary(rows),
        },
        ...rows.slice(0, SHOWN).map((row): Finding => ({ id: 'audit.entry', severity: 'info', message: line(row) })),
      ];
      if (rows.length > SHOWN) {
        findings.push({
          id: 'audit.more',
          severity: 'info',
          message: `${rows.length - SHOWN} older rows are in the JSON (\`diagbot --json "audit …"\`) or a narrower --since.`,
        });
      }
      return makeReply({
        command: 'audit',
        title: `Audit trail: ${rows.length}${rows.length === limit ? '+' : ''} command${rows.length === 1 ? '' : 's'} ${scope}`,
        findings,
        facts: [
          { label: 'Since', value: since.toISOString() },
          ...(user ? [{ label: 'User', value: user }] : []),
          { label: 'Rows', value: String(rows.length) },
        ],
        data: { since: since.toISOString(), user: user ?? null, limit, rows },
      });
    },
  };
}
