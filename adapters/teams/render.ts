import {
  severityRank,
  type Action,
  type Fact,
  type Finding,
  type Link,
  type Reply,
  type Severity,
  type Status,
} from '../../src/core/reply';
import {
  CARD_VERSION,
  cardBytes,
  type AdaptiveCard,
  type CardElement,
  type Container,
  type ContainerStyle,
  type FactSet,
  type OpenUrlAction,
  type SubmitAction,
  type TextBlock,
  type TextColor,
} from './card';
import { clip, safeText, stripControl } from './markdown';

/**
 * Reply → Adaptive Card (contracts/reply.md): a title coloured by status, a FactSet for the facts, a
 * container per finding (severity, message, fix steps, `Action.OpenUrl` for links) and `Action.Submit`
 * buttons for the follow-ups. The card always fits Teams' message size: what does not fit is cut, worst
 * findings kept first, and a closing line says what was left out. Outside text is escaped (markdown.ts).
 */

/**
 * Teams refuses a message over about 28 KB, counting the whole activity; the card keeps 2 KB of that for
 * the activity around it (ids, conversation, service URL).
 */
export const TEAMS_CARD_MAX_BYTES = 26_000;

/** Per-piece limits, so one enormous fact or step cannot crowd out everything else. */
export const TEXT_LIMITS = {
  title: 300,
  command: 60,
  message: 3000,
  compactMessage: 400,
  fixSummary: 1000,
  compactFixSummary: 300,
  step: 800,
  stepsPerFinding: 15,
  linksPerFinding: 5,
  linkTitle: 60,
  url: 2048,
  factLabel: 80,
  factValue: 600,
  actionLabel: 50,
  actionCommand: 1000,
  /** The reference host config (and Teams on mobile) shows at most five top-level actions. */
  actions: 5,
  noteIds: 5,
} as const;

const STATUS_COLOR: Record<Status, TextColor> = { ok: 'Good', warn: 'Warning', fail: 'Attention', error: 'Attention' };
const STATUS_LABEL: Record<Status, string> = { ok: 'OK', warn: 'WARNING', fail: 'FAIL', error: 'ERROR' };

interface SeverityLook {
  mark: string;
  label: string;
  color: TextColor;
  style: ContainerStyle;
  /** Higher is kept first when the card must be cut. */
}

const SEVERITY: Record<Severity, SeverityLook> = {
  ok: { mark: '✔', label: 'OK', color: 'Good', style: 'good' },
  info: { mark: '•', label: 'INFO', color: 'Default', style: 'default' },
  warn: { mark: '▲', label: 'WARN', color: 'Warning', style: 'warning' },
  fail: { mark: '✖', label: 'FAIL', color: 'Attention', style: 'attention' },
  error: { mark: '!', label: 'ERROR', color: 'Attention', style: 'attention' },
};

export interface RenderOptions {
  /** Size budget of the card JSON in bytes (default TEAMS_CARD_MAX_BYTES). */
  maxBytes?: number;
}

/** What a cut left out, for the closing note (and for tests). */
export interface Omitted {
  findings: string[];
  shortened: number;
  facts: number;
  actions: number;
}

/** Renders a Reply as one Adaptive Card within the size budget. */
export function renderCard(reply: Reply, options: RenderOptions = {}): AdaptiveCard {
  return layoutCard(reply, options).card;
}

/** The card and what was cut to make it fit. */
export function layoutCard(reply: Reply, options: RenderOptions = {}): { card: AdaptiveCard; omitted: Omitted } {
  const maxBytes = options.maxBytes ?? TEAMS_CARD_MAX_BYTES;
  const header = headerElements(reply);
  const omitted: Omitted = { findings: [], shortened: 0, facts: 0, actions: 0 };

  const actions = submitActions(reply.actions, omitted);
  // Room for the closing note is held back up front; the loop at the end catches any overshoot.
  const noteReserve = 900;
  while (actions.length > 0 && cardBytes(assemble(header, actions)) + noteReserve > maxBytes) {
    actions.pop();
    omitted.actions += 1;
  }
  let remaining = maxBytes - cardBytes(assemble(header, actions)) - noteReserve;

  // Findings first (worst severity first), then facts, in whatever room is left.
  const chosen = new Map<number, Container>();
  for (const index of byPriority(reply.findings)) {
    const finding = reply.findings[index] as Finding;
    const full = findingContainer(finding, 'full');
    const fullSize = cardBytes(full) + 1;
    if (fullSize <= remaining) {
      chosen.set(index, full);
      remaining -= fullSize;
      continue;
    }
    const compact = findingContainer(finding, 'compact');
    const compactSize = cardBytes(compact) + 1;
    if (compactSize <= remaining) {
      chosen.set(index, compact);
      remaining -= compactSize;
      omitted.shortened += 1;
    } else {
      omitted.findings.push(finding.id);
    }
  }

  const facts: FactSet['facts'] = [];
  remaining -= cardBytes({ type: 'FactSet', facts: [] }) + 1;
  for (const fact of reply.facts) {
    const rendered = renderFact(fact);
    const size = cardBytes(rendered) + 1;
    if (size <= remaining) {
      facts.push(rendered);
      remaining -= size;
    } else {
      omitted.facts += 1;
    }
  }

  const order = [...chosen.keys()].sort((a, b) => a - b);
  const build = (): AdaptiveCard => {
    const body: CardElement[] = [...header];
    if (facts.length > 0) body.push({ type: 'FactSet', facts });
    for (const index of order) body.push(chosen.get(index) as Container);
    const note = omissionNote(omitted);
    if (note) body.push(note);
    return assemble(body, actions);
  };

  let card = build();
  // Safety net: the reserve is generous, but drop the least important pieces until the card fits.
  while (cardBytes(card) > maxBytes) {
    const victim = lowestPriority(order, reply.findings);
    if (victim !== undefined) {
      order.splice(order.indexOf(victim), 1);
      omitted.findings.push((reply.findings[victim] as Finding).id);
    } else if (facts.length > 0) {
      facts.pop();
      omitted.facts += 1;
    } else if (actions.length > 0) {
      actions.pop();
      omitted.actions += 1;
    } else {
      break;
    }
    card = build();
  }
  return { card, omitted };
}

/** The short card shown while a slow check runs; the answer replaces it in place. */
export function renderPendingCard(commandText: string): AdaptiveCard {
  return assemble(
    [
      { type: 'TextBlock', text: 'Checking …', wrap: true, size: 'Medium', weight: 'Bolder', color: 'Accent' },
      {
        type: 'TextBlock',
        text: safeText(commandText, TEXT_LIMITS.title),
        wrap: true,
        isSubtle: true,
        spacing: 'None',
      },
      {
        type: 'TextBlock',
        text: 'The answer replaces this card when the check is done.',
        wrap: true,
        isSubtle: true,
        size: 'Small',
      },
    ],
    [],
  );
}

function assemble(body: CardElement[], actions: SubmitAction[]): AdaptiveCard {
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    msteams: { width: 'Full' },
  };
  if (actions.length > 0) card.actions = actions;
  return card;
}

function headerElements(reply: Reply): TextBlock[] {
  return [
    {
      type: 'TextBlock',
      text: safeText(reply.title, TEXT_LIMITS.title),
      wrap: true,
      size: 'Medium',
      weight: 'Bolder',
      color: STATUS_COLOR[reply.status],
    },
    {
      type: 'TextBlock',
      text: `${STATUS_LABEL[reply.status]} · ${safeText(reply.command, TEXT_LIMITS.command)}`,
      wrap: true,
      size: 'Small',
      isSubtle: true,
      spacing: 'None',
    },
  ];
}

function findingContainer(finding: Finding, mode: 'full' | 'compact'): Container {
  const look = SEVERITY[finding.severity];
  const items: CardElement[] = [
    {
      type: 'TextBlock',
      text: `${look.mark} ${look.label} · ${safeText(finding.id, 120)}`,
      wrap: true,
      weight: 'Bolder',
      color: look.color,
    },
    {
      type: 'TextBlock',
      text: safeText(finding.message, mode === 'full' ? TEXT_LIMITS.message : TEXT_LIMITS.compactMessage),
      wrap: true,
      spacing: 'Small',
    },
  ];
  const fix = finding.fix;
  if (fix) {
    const summaryLimit = mode === 'full' ? TEXT_LIMITS.fixSummary : TEXT_LIMITS.compactFixSummary;
    items.push({
      type: 'TextBlock',
      text: `**Fix:** ${safeText(fix.summary, summaryLimit)}`,
      wrap: true,
      spacing: 'Small',
    });
    if (mode === 'full') {
      items.push(...stepBlocks(fix.steps ?? []), ...linkElements(fix.links ?? []));
    } else if ((fix.steps?.length ?? 0) + (fix.links?.length ?? 0) > 0) {
      items.push({
        type: 'TextBlock',
        text: 'Steps and links left out to fit the card.',
        wrap: true,
        isSubtle: true,
        size: 'Small',
      });
    }
  }
  return { type: 'Container', style: look.style, separator: true, spacing: 'Medium', items };
}

function stepBlocks(steps: readonly string[]): TextBlock[] {
  const shown = steps.slice(0, TEXT_LIMITS.stepsPerFinding);
  const blocks: TextBlock[] = shown.map((step, i) => ({
    type: 'TextBlock',
    text: `**${i + 1}.** ${safeText(step, TEXT_LIMITS.step)}`,
    wrap: true,
    spacing: 'None',
  }));
  if (steps.length > shown.length) {
    blocks.push({
      type: 'TextBlock',
      text: `… and ${steps.length - shown.length} more steps`,
      wrap: true,
      isSubtle: true,
      spacing: 'None',
    });
  }
  return blocks;
}

/** Web links become buttons; anything else (a `file:` path, a bad URL) is shown as text, never opened. */
function linkElements(links: readonly Link[]): CardElement[] {
  const buttons: OpenUrlAction[] = [];
  const texts: TextBlock[] = [];
  for (const link of links.slice(0, TEXT_LIMITS.linksPerFinding)) {
    const title = clip(stripControl(link.title).trim() || 'Documentation', TEXT_LIMITS.linkTitle);
    if (isWebUrl(link.url)) {
      buttons.push({ type: 'Action.OpenUrl', title, url: link.url });
    } else {
      texts.push({
        type: 'TextBlock',
        text: `${safeText(title, TEXT_LIMITS.linkTitle)}: ${safeText(link.url, 300)}`,
        wrap: true,
        isSubtle: true,
        spacing: 'None',
      });
    }
  }
  const out: CardElement[] = [...texts];
  if (buttons.length > 0) out.push({ type: 'ActionSet', actions: buttons });
  return out;
}

export function isWebUrl(url: string): boolean {
  if (url.length > TEXT_LIMITS.url) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

function renderFact(fact: Fact): { title: string; value: string } {
  return { title: safeText(fact.label, TEXT_LIMITS.factLabel), value: safeText(fact.value, TEXT_LIMITS.factValue) };
}

function submitActions(actions: readonly Action[], omitted: Omitted): SubmitAction[] {
  const out: SubmitAction[] = [];
  for (const action of actions) {
    // A command cannot be shortened without changing what it runs, so a huge one is left out whole.
    if (
      out.length >= TEXT_LIMITS.actions ||
      action.command.trim() === '' ||
      action.command.length > TEXT_LIMITS.actionCommand
    ) {
      omitted.actions += 1;
      continue;
    }
    const label = clip(
      stripControl(action.label).trim() || stripControl(action.command).trim() || 'Run',
      TEXT_LIMITS.actionLabel,
    );
    out.push({ type: 'Action.Submit', title: label, data: { diagbotCommand: action.command } });
  }
  return out;
}

/** Finding indexes, worst severity first, in reply order within a severity. */
function byPriority(findings: readonly Finding[]): number[] {
  return findings
    .map((_f, i) => i)
    .sort((a, b) => {
      const rank = severityRank((findings[b] as Finding).severity) - severityRank((findings[a] as Finding).severity);
      return rank !== 0 ? rank : a - b;
    });
}

function lowestPriority(indexes: readonly number[], findings: readonly Finding[]): number | undefined {
  const ranked = byPriority(findings).filter((i) => indexes.includes(i));
  return ranked[ranked.length - 1];
}

function omissionNote(omitted: Omitted): TextBlock | undefined {
  const parts: string[] = [];
  if (omitted.findings.length > 0) {
    const ids = [...new Set(omitted.findings)].slice(0, TEXT_LIMITS.noteIds).map((id) => clip(id, 40));
    const more = new Set(omitted.findings).size > ids.length ? ', …' : '';
    parts.push(
      `${omitted.findings.length} finding${omitted.findings.length === 1 ? '' : 's'} (${ids.join(', ')}${more})`,
    );
  }
  if (omitted.facts > 0) parts.push(`${omitted.facts} fact${omitted.facts === 1 ? '' : 's'}`);
  if (omitted.actions > 0) parts.push(`${omitted.actions} follow-up button${omitted.actions === 1 ? '' : 's'}`);
  if (parts.length === 0 && omitted.shortened === 0) return undefined;
  const left = parts.length > 0 ? `Left out to fit Teams' message size: ${parts.join(', ')}. ` : '';
  const shortened =
    omitted.shortened > 0
      ? `${omitted.shortened} finding${omitted.shortened === 1 ? ' was' : 's were'} shortened. `
      : '';
  return {
    type: 'TextBlock',
    text: safeText(
      `${left}${shortened}Run the same command with diagbot --json in a terminal for the whole reply.`,
      700,
    ),
    wrap: true,
    isSubtle: true,
    size: 'Small',
    color: 'Warning',
  };
}
