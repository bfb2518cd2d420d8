import { isVendorHost, type Entities } from './entities';

/**
 * Enhanced status codes of an authentication (SPF, DKIM, DMARC, sender authentication) or TLS rejection:
 * RFC 7372 (5.7.20–5.7.27), RFC 3207/4954 (5.7.10, 5.7.11), Exchange Online (5.7.509 DMARC reject,
 * 5.7.515 sender authentication requirements), and 5.7.0/4.7.0 with STARTTLS words.
 */
const AUTH_OR_TLS_CODE = /^smtp:[45]\.7\.(2[0-7]|1[01]|509|515)$/;
const AUTH_OR_TLS_WORDS = /\b(spf|dkim|dmarc|compauth)\b[^\n]{0,80}\b(fail|failed|reject|rejected|did not pass|not pass)\b|\b(must issue a starttls|tls not available|encryption (is )?(needed|required)|tls is required)\b/i;

/**
 * `mail {domain}` when the text is a rejection for authentication or TLS: the next question is the
 * sending domain's posture (its SPF, DKIM, DMARC, or its MX TLS). The domain is the first one the
 * text names by address (the sender, in bounces and NDRs), so it is usually the organisation's own.
 */
export function postureFollowUps(codeKeys: ReadonlySet<string>, text: string): string[] {
  const coded = [...codeKeys].some((key) => AUTH_OR_TLS_CODE.test(key));
  return coded || AUTH_OR_TLS_WORDS.test(text) ? ['mail {domain}'] : [];
}

/** At most this many follow-up commands per answer. */
const MAX_FOLLOW_UPS = 5;

/** Values for each placeholder, best first: URL hosts before hosts merely mentioned. */
function valuesFor(entities: Entities): Record<string, string[]> {
  const urlHosts: string[] = [];
  for (const url of entities.urls) {
    try {
      const host = new URL(url).hostname.toLowerCase();
      if (host.includes('.') && !/^[\d.]+$/.test(host) && !host.startsWith('[')) urlHosts.push(host);
    } catch {
      // A URL the parser refuses offers no host; the other entities still apply.
      continue;
    }
  }
  const hosts = [...new Set([...urlHosts, ...entities.hosts])].filter((h) => !isVendorHost(h));
  const emailDomains = entities.emails.map((e) => e.slice(e.lastIndexOf('@') + 1));
  return {
    host: hosts,
    ip: entities.ips,
    dn: entities.dns.map((dn) => dn.replace(/"/g, '\\"')),
    email: entities.emails,
    domain: [...new Set([...emailDomains, ...hosts.map((h) => h.split('.').slice(-2).join('.'))])].filter((d) => !isVendorHost(d)),
    url: entities.urls.filter((u) => {
      try {
        return !isVendorHost(new URL(u).hostname);
      } catch {
        return false;
      }
    }),
  };
}

/**
 * Fills follow-up templates (`cert {host}`, `relay {ip}`, `ou "{dn}"`) from the entities of the text.
 * A template whose placeholder has no value is skipped; `{host}` yields one command per host (two at most).
 */
export function fillFollowUps(templates: readonly string[], entities: Entities): string[] {
  const values = valuesFor(entities);
  const out: string[] = [];
  for (const template of templates) {
    const names = [...template.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1] as string);
    if (names.length === 0) {
      out.push(template);
      continue;
    }
    const first = names[0] as string;
    const options = (values[first] ?? []).slice(0, first === 'host' || first === 'ip' ? 2 : 1);
    for (const option of options) {
      let command = template;
      let complete = true;
      for (const name of names) {
        const value = name === first ? option : values[name]?.[0];
        if (value === undefined) {
          complete = false;
          break;
        }
        command = command.split(`{${name}}`).join(value);
      }
      if (complete) out.push(command);
    }
  }
  return [...new Set(out)].slice(0, MAX_FOLLOW_UPS);
}
