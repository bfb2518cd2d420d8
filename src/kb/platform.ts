import type { Platform } from './schema';

/**
 * Which operating system a paste comes from, so the answer gives Postfix and shell commands for a Linux log
 * and PowerShell for an Exchange or Windows error. Undecided (a bare code, or both kinds of marks) is
 * `undefined`: then the answer shows the steps of both platforms, each labelled.
 */
const LINUX =
  /\bpostfix\/|\bsmtpd\[|\bsmtp\[\d|\/var\/log\/|\/etc\/|\bsystemctl\b|\bjournalctl\b|\bsendmail\b|\bexim4?\b|\bopendkim\b|\bsaslauthd\b|\bdovecot\b|\bkinit\b|\bklist\b|\bsssd\b|\brealm join\b|\bcurl: \(\d|\bopenssl s_client\b|\bpostconf\b|\bpostmap\b|\bamavis|\bspamd\b|\bubuntu\b|\bdebian\b|\brhel\b|\bcentos\b|\bslapd\b|\bldapsearch\b|\bsamba\b|\bwinbind\b|\bnginx\b|\bapache2?\b|\bjava\b|\bsudo\b/gi;
const WINDOWS =
  /\b[A-Z]:\\|\bPS [A-Z]:|CategoryInfo|FullyQualifiedErrorId|\bEvent ?ID\b|\bMSExchange|\bHRESULT\b|\bExchange (?:Server|Management Shell|20\d\d|SE)\b|\bpowershell\b|\bWindows\b|\b(?:Get|Set|New|Test|Mount|Enable|Remove|Add|Update|Start|Connect|Install)-[A-Z][A-Za-z]{2,40}\b|\bschannel\b|\.exe\b|\bIIS\b|\bEdgeTransport\b|\bActive Directory\b|\bSource: \w|\bNTDS\b|\bsetup\.exe\b|\bOutlook\b/g;

/** Every regex here, for the static backtracking check in the tests. */
export const PLATFORM_PATTERNS: readonly RegExp[] = [LINUX, WINDOWS];

function count(text: string, pattern: RegExp): number {
  let n = 0;
  for (const _m of text.matchAll(pattern)) {
    n += 1;
    if (n >= 20) break;
  }
  return n;
}

export function detectPlatform(text: string): Platform | undefined {
  const head = text.length > 4096 ? text.slice(0, 4096) : text;
  const linux = count(head, LINUX);
  const windows = count(head, WINDOWS);
  if (linux > windows) return 'linux';
  if (windows > linux) return 'windows';
  return undefined;
}
