import { createRequire } from 'node:module';
import type * as AdaptiveCardsModule from 'adaptivecards';
import { unescapeMarkdown } from '../../../adapters/teams/markdown';

/**
 * Parses a card with the `adaptivecards` library (Microsoft's reference renderer's object model) and returns
 * every problem it reports: unknown element types, invalid enum values, missing required properties,
 * elements newer than the card's version. Parsing needs no DOM. The package's `lib/` build is ES modules
 * with extension-less imports that neither node nor jest can load, so its UMD bundle is used.
 */
const AC = createRequire(__filename)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsModule;

export function cardProblems(json: unknown): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i += 1) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of card.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);
  return problems;
}

interface Node {
  type?: string;
  text?: string;
  items?: Node[];
  body?: Node[];
  actions?: Array<{ type: string; title?: string; url?: string; data?: { diagbotCommand?: string } }>;
  facts?: Array<{ title: string; value: string }>;
}

/** Every TextBlock text in the card, unescaped (what a reader sees), depth first. */
export function cardTexts(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: Node): void => {
    if (node.type === 'TextBlock' && typeof node.text === 'string') out.push(unescapeMarkdown(node.text));
    for (const child of [...(node.body ?? []), ...(node.items ?? [])]) walk(child);
  };
  walk(card as Node);
  return out;
}

/** The finding ids shown in the card's finding headers (`✖ FAIL · cert.expired`). */
export function cardFindingIds(card: unknown): string[] {
  return cardTexts(card)
    .map((text) => /^\S+ (?:OK|INFO|WARN|FAIL|ERROR) · ([\s\S]+)$/.exec(text)?.[1])
    .filter((id): id is string => id !== undefined);
}

/** Every action anywhere in the card (top-level buttons and the link buttons inside findings). */
export function cardActions(card: unknown): NonNullable<Node['actions']> {
  const out: NonNullable<Node['actions']> = [];
  const walk = (node: Node): void => {
    if (node.actions) out.push(...node.actions);
    for (const child of [...(node.body ?? []), ...(node.items ?? [])]) walk(child);
  };
  walk(card as Node);
  return out;
}

export function cardFacts(card: unknown): Array<{ title: string; value: string }> {
  const set = ((card as Node).body ?? []).find((n) => n.type === 'FactSet');
  return (set?.facts ?? []).map((f) => ({ title: unescapeMarkdown(f.title), value: unescapeMarkdown(f.value) }));
}
