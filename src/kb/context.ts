import type { Match } from './matcher';

/**
 * Whether a text is about the world a candidate diagnosis belongs to. The knowledge base covers mail, directory and
 * TLS errors; words such as "access denied", "401 Unauthorized" or "too many connections" are also what a Docker
 * registry, a GitHub API or PostgreSQL say. Such words alone are no diagnosis: the text must also name the entry's
 * world — one of its products, a code only its kind of error has, or a mail, directory or TLS marker.
 */

/**
 * Words, protocols, ports and code shapes that place a text among mail, directory, Windows authentication or TLS errors.
 * Ports are matched only after a colon or the word "port" (a bare 25 is a count, not SMTP); an enhanced status code
 * (5.7.1) not inside an address or a version (v2.3.1, 1.2.3.4); "certificate" also inside a .NET name (RemoteCertificateNameMismatch). Not "realm" (HTTP 401 headers carry one) nor "email" (every web form
 * has one). PowerShell cmdlets and RPC are the Windows administration the bot serves; Exchange's event sources
 * (MSExchangeRepl, MSExchangeIS) name Exchange. An eight-digit hex code is an HRESULT or NTSTATUS, but not after "at":
 * that is a memory address (Python's `<HTTPConnection object at 0x7f3a1c2d>`). The short words mx, cert and mail do not
 * count inside a hyphenated name: a host, pod or package (`mx-out3`, `cert-manager-webhook`, `mail-archiver`) lives in
 * every world, while `mail.contoso.com` or `the cert` still names this one.
 */
const DOMAIN_MARKERS =
  /\b(?:(?:ms)?exchange\w*|outlook|owa|ews|activesync|autodiscover|office ?365|o365|m365|microsoft 365|entra|azure ?ad|aadsts\d*|smtp\w*|esmtp|ehlo|helo|starttls|mail from|rcpt|postfix\w*|sendmail|exim\w*|dovecot|dkim|spf|dmarc|\w*mailbox\w*|ldaps?|kerberos|kinit|krb5\w*|kdc|active directory|domain controller|netlogon|sssd|ntlm|schannel|tls\w*|ssl\w*|x\.?509|openssl|pkcs ?#?\d*|adws|gpo|winrm|iis|imap|pop3|spnego|gssapi|samba|winbind|dcdiag|repadmin|nltest|event ?id|rpc)\b|(?<![\w-])(?:mx|cert|mail)\b(?!-\w)|(?::|\bport )(?:25|465|587|389|636|88|3268|3269|9389)\b|(?<![\w.])[245]\.[0-7]\.\d{1,3}(?!\.?\d)|(?<!\bat )\b0x[0-9a-f]{8}\b|certificate/i;

/** A PowerShell cmdlet (`Get-ADUser`, `Invoke-WebRequest`), not the HTTP header `Set-Cookie`. */
const CMDLET =
  /\b(?:Get|Set|New|Remove|Add|Test|Invoke|Enable|Disable|Update|Start|Stop|Connect|Import|Export|Install|Resume|Restart|Move|Mount|Dismount|Suspend|Restore|Repair|Reset|Search|Clear|Grant|Revoke|Register|Complete)-(?!Cookie\b)[A-Z][A-Za-z]+\b/;

/** Product-name words that name no particular world (every entry about Windows or .NET would otherwise qualify). */
const BROAD_PRODUCT_WORDS = new Set([
  'server',
  'servers',
  'online',
  'client',
  'clients',
  'microsoft',
  'windows',
  'file',
  'system',
  'net',
  'node',
  'js',
  'any',
  'applications',
  'proxy',
  'http',
  'web',
  'dns',
]);

/** Whether the text carries any mail, directory or TLS marker. */
export function hasDomainMarker(text: string): boolean {
  return DOMAIN_MARKERS.test(text) || CMDLET.test(text);
}

/** The words of an entry's product names that identify a product (`postfix`, `sssd`, `exchange`), in lower case. */
function productWords(match: Match): string[] {
  return match.entry.products.flatMap((p) =>
    p
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length >= 3 && !BROAD_PRODUCT_WORDS.has(w)),
  );
}

/**
 * A specific entry this confident has more than one phrase's worth of its own words in the text (a phrase and its code,
 * several phrases, a long vendor sentence): that is its world named. Below it rests on a few words other products share.
 */
export const SELF_EVIDENT_CONFIDENCE = 0.9;

/**
 * Whether the text names the candidate's world. A catch-all (`generic`) needs a domain marker: its products
 * (Windows, .NET) are everywhere. A specific entry qualifies by its weight of evidence, a specific code of its
 * own or one of its product words.
 */
export function namesWorld(match: Match, lower: string, domainMarker: boolean): boolean {
  if (domainMarker) return true;
  if (match.entry.generic) return false;
  if (match.confidence >= SELF_EVIDENT_CONFIDENCE) return true;
  if (match.specificCodes.length > 0) return true;
  return namesProduct(match, lower);
}

/** Whether the text names one of the candidate's products (a word of its product names that identifies a product). */
export function namesProduct(match: Match, lower: string): boolean {
  // Event sources glue the product to a prefix: MSExchangeRepl, MSExchange Common.
  return productWords(match).some((w) => new RegExp(`(?:\\b|\\bms)${w}`).test(lower));
}
