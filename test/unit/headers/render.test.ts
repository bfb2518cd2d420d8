import { renderReply } from '../../../adapters/slack/render';
import { cardBytes } from '../../../adapters/teams/card';
import { renderCard, TEAMS_CARD_MAX_BYTES } from '../../../adapters/teams/render';
import { analyseHeadersReply } from '../../../commands/headers';
import type { Reply } from '../../../src/core/reply';
import { blockKitProblems, findingIds } from '../slack/block-kit-limits';
import { cardFacts, cardFindingIds, cardProblems } from '../teams/validate-card';
import { fixture, received } from './fixtures';

/** The hop table reaches Slack and Teams through the existing renderers, within their limits. */

function manyHops(count: number): string {
  const lines: string[] = [];
  for (let i = count; i > 0; i -= 1) {
    const minute = String(Math.floor(i / 60) % 60).padStart(2, '0');
    lines.push(
      received(
        `relay${i - 1}.contoso.com`,
        `relay${i}.contoso.com`,
        `Sat, 5 Dec 2026 1${Math.floor(i / 3600)}:${minute}:${String(i % 60).padStart(2, '0')} +0000`,
      ),
    );
  }
  return `${lines.join('\n')}\n${fixture('exchange-online-junk.txt')}`;
}

const cases: [string, () => string][] = [
  ['Exchange hybrid', () => fixture('exchange-hybrid-delay.txt')],
  ['Exchange Online junk', () => fixture('exchange-online-junk.txt')],
  ['Gmail', () => fixture('gmail.txt')],
  ['Postfix spam', () => fixture('postfix-spam.txt')],
  ['100 hops and every verdict', () => manyHops(100)],
];

describe.each(cases)('%s', (_name, paste) => {
  let reply: Reply;
  beforeAll(async () => {
    reply = await analyseHeadersReply(paste());
  });

  it('renders to Block Kit within its limits, the hop table as fields', () => {
    const { main, rest } = renderReply(reply);
    for (const message of [main, ...rest]) expect(blockKitProblems(message)).toEqual([]);
    const ids = [main, ...rest].flatMap((m) => findingIds(m.blocks));
    expect(new Set(ids)).toEqual(new Set(reply.findings.map((f) => f.id)));
    const fields = JSON.stringify(main.blocks);
    expect(fields).toContain(reply.facts[0]?.label.replace(/[<>&]/g, '') ?? '');
  });

  it("renders to an Adaptive Card within Teams' size, the hop table as a FactSet", () => {
    const card = renderCard(reply);
    expect(cardProblems(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThanOrEqual(TEAMS_CARD_MAX_BYTES);
    expect(cardFindingIds(card).length).toBeGreaterThan(0);
    const facts = cardFacts(card).map((f) => f.title);
    expect(facts.filter((t) => /^\d+\. .+ → /.test(t)).length).toBe(
      Math.min(12, reply.facts.filter((f) => /^\d+\. /.test(f.label)).length),
    );
  });
});
