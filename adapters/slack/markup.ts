import { decodeEntities, normaliseCommon } from '../../src/core/normalise';

/**
 * Slack mrkdwn as Slack sends it: `<https://x|label>` → the URL, `<mailto:a@b|a@b>` → the address,
 * `<@U123>`, `<!channel>`, `<#C123|name>` removed (a channel link keeps its name), then entities.
 */
export function normaliseSlack(text: string): string {
  const unlinked = text.replace(/<([^<>\n]{1,2000})>/g, (_whole, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@') || target.startsWith('!')) return '';
    if (target.startsWith('#')) return label ? `#${label}` : '';
    if (target.startsWith('mailto:')) return target.slice('mailto:'.length);
    if (target.startsWith('tel:')) return label ?? target.slice(4);
    return target;
  });
  return normaliseCommon(decodeEntities(unlinked));
}
