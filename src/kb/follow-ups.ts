import { isVendorHost, type Entities } from './entities';

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
