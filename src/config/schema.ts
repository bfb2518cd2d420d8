import { z } from 'zod';

/**
 * The one configuration schema (contracts/cli-and-config.md). YAML supplies it, environment variables
 * override it (see load.ts). Engines receive typed slices of the parsed result, never the environment.
 * Each issue's section is owned by that feature; keep keys in step with diagbot.example.yaml.
 */

const stringList = z.array(z.string().min(1));

export const targetsSchema = z.object({
  allow: stringList.default([]).describe('CIDRs and domain suffixes outbound checks may reach, beside the defaults'),
  deny: stringList.default([]).describe('CIDRs and domain suffixes they may never reach (wins over allow)'),
});

export const tlsSchema = z.object({
  extraCaFiles: stringList.default([]).describe('PEM files of roots trusted beside Node\'s bundled ones'),
  expiryWarningDays: z.number().int().min(0).max(3650).default(30),
  concurrency: z.number().int().min(1).max(256).default(16),
});

export const timeoutsSchema = z.object({
  connectMs: z.number().int().min(50).max(120_000).default(5000),
  stepMs: z.number().int().min(50).max(300_000).default(10_000),
});

export const ldapSchema = z.object({
  url: z.string().regex(/^ldaps?:\/\//, 'must start with ldap:// or ldaps://').optional(),
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
});

const userIdList = stringList.default([]);
export const rolesSchema = z.object({
  admins: userIdList.describe('platform user ids (Slack U…, user-group S…, Teams AAD object ids) with the admin role'),
  operators: userIdList.describe('user ids with the operator role'),
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
});

export const teamsSchema = z.object({
  appId: z.string().optional(),
  appPassword: z.string().optional(),
  tenantId: z.string().optional(),
  appType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  /** Allow starting without an app id when NODE_ENV=production (local emulator setups only). */
  allowUnauthenticated: z.boolean().default(false),
});

export const configSchema = z.object({
  targets: targetsSchema.default({ allow: [], deny: [] }),
  tls: tlsSchema.default({ extraCaFiles: [], expiryWarningDays: 30, concurrency: 16 }),
  timeouts: timeoutsSchema.default({ connectMs: 5000, stepMs: 10_000 }),
  /** The relay topology; validated by the relay engine's schema (src/relay). */
  relay: z.unknown().optional(),
  ldap: ldapSchema.default({ caFiles: [], startTls: false, sizeLimit: 50, pageSize: 500 }),
  store: storeSchema.default({ path: './data/diagbot.db' }),
  links: z.record(z.string(), z.string().url()).default({}).describe('per finding id, the URL of your own runbook'),
  roles: rolesSchema.default({ admins: [], operators: [] }),
  http: httpSchema.default({ port: 3978, host: '0.0.0.0' }),
  slack: slackSchema.default({}),
  teams: teamsSchema.default({ allowUnauthenticated: false }),
  log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).default({ level: 'info' }),
});

export type Config = z.infer<typeof configSchema>;
