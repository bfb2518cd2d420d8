/**
 * A tag=value list (DMARC, DKIM, TLS-RPT, the MTA-STS TXT record: `v=DMARC1; p=reject`). Tag names
 * are lower-cased; a repeated tag or a part without `=` is reported, never thrown.
 */
export function parseTags(record: string): { tags: Map<string, string>; order: string[]; errors: string[] } {
  const tags = new Map<string, string>();
  const order: string[] = [];
  const errors: string[] = [];
  for (const raw of record.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) {
      errors.push(`\`${part.slice(0, 60)}\` is not tag=value`);
      continue;
    }
    const name = part.slice(0, eq).trim().toLowerCase();
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      errors.push(`\`${name.slice(0, 40)}\` is not a tag name`);
      continue;
    }
    if (tags.has(name)) errors.push(`${name}= appears twice`);
    else {
      tags.set(name, part.slice(eq + 1).trim());
      order.push(name);
    }
  }
  return { tags, order, errors };
}

/** `mailto:` and `https:` report URIs (`mailto:a@b.com!10m, https://…`) split and checked. */
export function parseReportUris(value: string, schemes: readonly string[]): { uris: string[]; errors: string[] } {
  const uris: string[] = [];
  const errors: string[] = [];
  for (const raw of value.split(',')) {
    const uri = raw.trim().replace(/!\d+[kmgt]?$/i, '');
    if (uri === '') continue;
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
    if (!scheme || !schemes.includes(scheme)) errors.push(`${uri.slice(0, 80)} is not a ${schemes.join(': or ')}: URI`);
    else if (scheme === 'mailto' && !/^mailto:[^@\s]+@[a-z0-9.-]+\.[a-z0-9-]+$/i.test(uri))
      errors.push(`${uri.slice(0, 80)} is not a mailto: address`);
    else if (scheme === 'https' && !URL.canParse(uri)) errors.push(`${uri.slice(0, 80)} is not a URL`);
    else uris.push(uri);
  }
  return { uris, errors };
}

/** The domain of a `mailto:` URI, lower-cased; undefined for other schemes. */
export function mailtoDomain(uri: string): string | undefined {
  return /^mailto:[^@]+@([^?]+)/i.exec(uri)?.[1]?.toLowerCase();
}
