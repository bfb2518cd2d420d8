import { z } from 'zod';
import { relayConfigSchema } from '../relay/topology-schema';

/**
 * The one configuration schema (contracts/cli-and-config.md). YAML supplies it, environment variables
 * override it (see load.ts). Engines receive typed slices of the parsed result, never the environment.
 * Each issue's section is owned by that feature; keep keys in step with diagbot.example.yaml.
 */

const stringList = z.array(z.string().min(1));

/** Slack and Teams share one setting for when a slow check first shows "checking …"; each describes its own look. */
const interimAfterMs = (description: string) => z.number().int().min(0).max(60_000).default(1500).describe(description);

export const targetsSchema = z.object({
  allow: stringList.default([]).describe('CIDRs and domain suffixes outbound checks may reach, beside the defaults'),
  deny: stringList.default([]).describe('CIDRs and domain suffixes they may never reach (wins over allow)'),
  ports: z
    .record(z.string(), z.array(z.number().int().min(1).max(65535)))
    .optional()
    .describe('extra ports per command beside the built-in allow-list, e.g. cert: [8443] (src/guard/ports.ts)'),
});

export const tlsSchema = z.object({
  extraCaFiles: stringList.default([]).describe("PEM files of roots trusted beside Node's bundled ones"),
  expiryWarningDays: z.number().int().min(0).max(3650).default(30),
  concurrency: z.number().int().min(1).max(256).default(16),
});

/** `dns`: the resolvers `mail` asks (src/dns); empty = the system's (/etc/resolv.conf). */
export const dnsSchema = z.object({
  servers: z
    .array(
      z
        .string()
        .regex(
          /^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-f:.]+\](:\d{1,5})?|[0-9a-f.]*:[0-9a-f:.]*:[0-9a-f:.]*)$/i,
          'a resolver address or address:port, e.g. 10.0.0.53, 10.0.0.53:5353 or [2001:db8::53]:53',
        ),
    )
    .default([])
    .describe('resolvers for `mail` (address or address:port); they must validate DNSSEC for DANE verdicts'),
  timeoutMs: z.number().int().min(50).max(60_000).default(3000).describe('deadline of each DNS query'),
});

export const timeoutsSchema = z.object({
  connectMs: z.number().int().min(50).max(120_000).default(5000),
  stepMs: z.number().int().min(50).max(300_000).default(10_000),
});

export const ldapSchema = z.object({
  url: z
    .string()
    .regex(/^ldaps?:\/\//, 'must start with ldap:// or ldaps://')
    .optional(),
  baseDn: z.string().min(1).optional(),
  bindDn: z.string().min(1).optional(),
  /** Only from DIAGBOT_LDAP_PASSWORD; never in YAML. */
  password: z.string().optional(),
  caFiles: stringList.default([]),
  startTls: z.boolean().default(false),
  sizeLimit: z.number().int().min(1).max(10_000).default(50),
  pageSize: z.number().int().min(1).max(5000).default(500),
});

export const storeSchema = z.object({
  path: z.string().min(1).default('./data/diagbot.db'),
  /** PostgreSQL for several replicas (src/store/postgres); unset keeps the SQLite file. May hold a password: env only then. */
  url: z
    .string()
    .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'must be a postgres:// URL such as postgres://diagbot@db.contoso.com/diagbot')
    .optional()
    .describe('postgres://… : PostgreSQL instead of SQLite, shared by several replicas'),
});

const userIdList = stringList.default([]);
export const rolesSchema = z.object({
  admins: userIdList.describe('platform user ids (Slack U…, user-group S…, Teams AAD object ids) with the admin role'),
  operators: userIdList.describe('user ids with the operator role'),
  commands: z
    .record(z.string(), z.enum(['everyone', 'operator', 'admin']))
    .default({})
    .describe('least role per command name, overriding the defaults in src/guard/roles.ts'),
});

const rateWindow = z.object({
  points: z.number().int().min(1).max(100_000),
  durationSeconds: z.number().int().min(1).max(86_400),
});
/** Rate limits (src/guard/limits.ts), in memory. */
export const limitsSchema = z.object({
  perUser: rateWindow.default({ points: 20, durationSeconds: 60 }).describe('commands per user per window'),
  perChannel: rateWindow.default({ points: 60, durationSeconds: 60 }).describe('commands per channel per window'),
  concurrentPerTarget: z.number().int().min(1).max(1000).default(4).describe('probes running at once against one host'),
  targetLeaseSeconds: z.number().int().min(10).max(86_400).default(300),
  exemptPlatforms: z.array(z.enum(['slack', 'teams', 'cli', 'digest'])).default(['cli', 'digest']),
});

export const auditSchema = z.object({
  retentionDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(180)
    .describe('audit rows older than this are deleted at start'),
});

function isTimeZone(zone: string): boolean {
  // The default needs no look-up: a first Intl.DateTimeFormat with a time zone loads ICU's zone data, which
  // took tens of milliseconds of every start (issue 16).
  if (zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Scheduled digests (src/digest, docs/digest.md). */
export const digestSchema = z.object({
  maxChecksPerDigest: z.number().int().min(1).max(500).default(50).describe('checks one digest may hold'),
  maxDigestsPerChannel: z.number().int().min(1).max(1000).default(20).describe('digests one channel may hold'),
  concurrency: z.number().int().min(1).max(64).default(4).describe('checks of one run in flight at once'),
  maxConcurrentRuns: z.number().int().min(1).max(64).default(4).describe('digest runs in progress at once per process'),
  defaultTimezone: z
    .string()
    .min(1)
    .default('UTC')
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/London')
    .describe('time zone of `digest add` without --tz'),
  minIntervalMinutes: z.number().int().min(1).max(1440).default(5).describe('schedules firing more often are refused'),
  keepRuns: z.number().int().min(1).max(1000).default(30).describe('runs kept per digest, with their results'),
  leaseSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(120)
    .describe('a run not renewed for this long is taken over (its process died)'),
  pollSeconds: z.number().int().min(1).max(3600).default(30).describe('the scheduler wakes at least this often'),
  lateAfterSeconds: z.number().int().min(1).max(3600).default(60).describe('a slot run later than this is marked late'),
  catchUpDays: z
    .number()
    .int()
    .min(1)
    .max(366)
    .default(35)
    .describe('slots missed longer ago are not run late at start'),
  post: z
    .object({
      attempts: z.number().int().min(1).max(20).default(5),
      initialDelayMs: z.number().int().min(10).max(600_000).default(2000),
      maxDelayMs: z.number().int().min(10).max(3_600_000).default(60_000),
    })
    .prefault({})
    .describe('retries of a failed post, with doubling backoff'),
});

export const httpSchema = z.object({
  port: z.number().int().min(0).max(65535).default(3978),
  host: z.string().default('0.0.0.0'),
});

export const slackSchema = z.object({
  botToken: z.string().optional(),
  signingSecret: z.string().optional(),
  appToken: z.string().optional(),
  apiUrl: z.string().url().optional(),
  /** Web API and response_url calls (adapters/slack): the SDK's own defaults have no timeout and retry for ~30 minutes. */
  apiTimeoutMs: z
    .number()
    .int()
    .min(100)
    .max(120_000)
    .default(10_000)
    .describe('deadline of each Web API / response_url attempt'),
  apiRetries: z
    .number()
    .int()
    .min(0)
    .max(10)
    .default(3)
    .describe('retries after a 429 (honouring Retry-After), a 5xx or a timeout'),
  apiRetryMinMs: z.number().int().min(10).max(60_000).default(1000),
  apiRetryMaxMs: z.number().int().min(10).max(300_000).default(30_000),
  interimAfterMs: interimAfterMs('a check still running after this long first shows "checking …"'),
  bodyLimitBytes: z
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('larger requests to /slack/events get 413'),
  bodyDeadlineMs: z
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(10_000)
    .describe('a request body still arriving after this long gets 408'),
  concurrentAnswers: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(32)
    .describe('answers worked on at once; acknowledgements are never held back'),
  command: z
    .string()
    .regex(/^\/[a-z0-9_-]{1,31}$/, 'a slash command such as /diag')
    .default('/diag'),
  userGroupsTtlSeconds: z
    .number()
    .int()
    .min(10)
    .max(86_400)
    .default(300)
    .describe('how long the members of Slack user groups named in roles (S…) are cached (usergroups.list)'),
});

export const teamsSchema = z.object({
  appId: z.string().optional(),
  appPassword: z.string().optional(),
  tenantId: z.string().optional(),
  appType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  /** Allow starting without an app id when NODE_ENV=production (local emulator setups only). */
  allowUnauthenticated: z.boolean().default(false),
  interimAfterMs: interimAfterMs('a check still running after this long first shows a "checking …" card'),
  domain: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, 'a host name such as diagbot.contoso.com')
    .optional()
    .describe('public host name of /api/messages, for the Teams app package (npm run package:teams)'),
});

export const configSchema = z.object({
  targets: targetsSchema.default({ allow: [], deny: [] }),
  tls: tlsSchema.default({ extraCaFiles: [], expiryWarningDays: 30, concurrency: 16 }),
  dns: dnsSchema.prefault({}),
  timeouts: timeoutsSchema.default({ connectMs: 5000, stepMs: 10_000 }),
  /** The relay topology; validated by the relay engine's schema (src/relay). */
  relay: relayConfigSchema.prefault({}),
  ldap: ldapSchema.default({ caFiles: [], startTls: false, sizeLimit: 50, pageSize: 500 }),
  store: storeSchema.default({ path: './data/diagbot.db' }),
  links: z.record(z.string(), z.string().url()).default({}).describe('per finding id, the URL of your own runbook'),
  roles: rolesSchema.default({ admins: [], operators: [], commands: {} }),
  limits: limitsSchema.prefault({}),
  audit: auditSchema.prefault({}),
  digest: digestSchema.prefault({}),
  http: httpSchema.default({ port: 3978, host: '0.0.0.0' }),
  slack: slackSchema.prefault({}),
  teams: teamsSchema.prefault({}),
  terminal: z
    .object({
      color: z
        .boolean()
        .default(true)
        .describe('colour in the terminal chat when stdout is a TTY (NO_COLOR turns it off)'),
    })
    .prefault({}),
  log: z
    .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .default({ level: 'info' }),
});

export type Config = z.infer<typeof configSchema>;
