/**
 * What the directory engine needs, as a typed slice (the composition root maps `config.ldap` onto it),
 * and which of those settings an operator still has to give.
 */
export interface DirectorySettings {
  /** `ldaps://dc1.contoso.local` or `ldap://dc1.contoso.local:389`. */
  url: string;
  /** Where user searches start, e.g. `DC=contoso,DC=local`. */
  baseDn: string;
  /** The service account: a DN, `svc@contoso.local` or `CONTOSO\svc` (AD accepts all three for a simple bind). */
  bindDn: string;
  /** From DIAGBOT_LDAP_PASSWORD only; never logged, never in a Reply. */
  password: string;
  /** PEM files of roots trusted beside Node's bundled ones (read at the first connection). */
  caFiles: readonly string[];
  /** Upgrade an `ldap://` connection with StartTLS before binding. */
  startTls: boolean;
  /** Most entries one search returns. */
  sizeLimit: number;
  /** Page size for the paged-results control. */
  pageSize: number;
}

/** The partial shape found in `config.ldap` before anything is checked. */
export interface PartialDirectorySettings {
  url?: string;
  baseDn?: string;
  bindDn?: string;
  password?: string;
}

/** One setting that is missing: the YAML key and the environment variable that set it. */
export interface MissingSetting {
  key: string;
  env: string;
}

const REQUIRED: Array<{ field: keyof PartialDirectorySettings } & MissingSetting> = [
  { field: 'url', key: 'ldap.url', env: 'DIAGBOT_LDAP_URL' },
  { field: 'baseDn', key: 'ldap.baseDn', env: 'DIAGBOT_LDAP_BASE_DN' },
  { field: 'bindDn', key: 'ldap.bindDn', env: 'DIAGBOT_LDAP_BIND_DN' },
  { field: 'password', key: '(environment only)', env: 'DIAGBOT_LDAP_PASSWORD' },
];

/** The settings still missing before diagbot can search the directory; empty when it can. */
export function missingDirectorySettings(settings: PartialDirectorySettings): MissingSetting[] {
  return REQUIRED.filter(({ field }) => (settings[field] ?? '').trim() === '').map(({ key, env }) => ({ key, env }));
}
