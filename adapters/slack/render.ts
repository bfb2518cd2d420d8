import type { types as Slack } from '@slack/bolt';
import {
  severityRank,
  type Action,
  type Fact,
  type Finding,
  type Reply,
  type Severity,
  type Status,
} from '../../src/core/reply';
import { escapeMrkdwn, mrkdwnLink, truncateMrkdwn, truncatePlain } from './mrkdwn';

/**
 * Reply → Block Kit (contracts/reply.md): a header with the status, a section per finding, facts as fields,
 * actions as buttons and a context line. Everything stays inside Block Kit's limits; what does not fit in one
 * message is cut with "… and N more findings" and carried by follow-up messages (a thread, or further
 * response_url messages). Type-only imports keep `diagbot --format slack` from loading Bolt.
 */

/** Block Kit's documented limits that this renderer respects. */
export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerHomeView: 100,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionsElements: 25,
  contextElements: 10,
  blockId: 255,
  actionId: 255,
  /** Slack truncates `text` beyond 40,000 characters; a notification needs far less. */
  fallbackText: 3000,
} as const;

/** One message as chat.postMessage, chat.update and response_url take it. */
export interface SlackMessage {
  text: string;
  blocks: Slack.KnownBlock[];
}

/** The first message and the follow-ups that carry whatever did not fit in it. */
export interface RenderedReply {
  main: SlackMessage;
  rest: SlackMessage[];
}

export interface RenderOptions {
  /** Where the follow-ups go, for the "… and N more" line: a thread, or further messages below. */
  continuation?: 'thread' | 'below';
  /** At most this many blocks per message (App Home allows 100). */
  maxBlocks?: number;
}

/** The prefix of every button's action_id; the adapter's action listener matches it. */
export const RUN_ACTION_PREFIX = 'diag.run.';

const SEVERITY_MARK: Record<Severity, string> = {
  ok: '✅',
  info: 'ℹ️',
  warn: '⚠️',
  fail: '❌',
  error: '❗',
};

const STATUS_MARK: Record<Status, string> = { ok: '✅ OK', warn: '⚠️ WARN', fail: '❌ FAIL', error: '❗ ERROR' };

/** Renders a Reply into one message plus follow-ups, every one of them within Block Kit's limits. */
export function renderReply(reply: Reply, options: RenderOptions = {}): RenderedReply {
  const maxBlocks = Math.max(8, options.maxBlocks ?? LIMITS.blocksPerMessage);
  const header = headerBlock(reply);
  const context = contextBlock(reply);
  const actions = actionsBlock(reply.actions);
  const factSections = factBlocks(reply.facts, 'fact');
  const findings = reply.findings.map((finding, i) => findingBlock(finding, i));

  const fixed = 2 + (actions ? 1 : 0);
  if (fixed + findings.length + factSections.length <= maxBlocks) {
    const blocks = [header, ...findings, ...factSections, ...(actions ? [actions] : []), context];
    return { main: { text: fallbackText(reply), blocks }, rest: [] };
  }

  // Too big: keep the worst findings in the first message (a failure must not hide behind twenty ok lines).
  const order = reply.findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => severityRank(b.finding.severity) - severityRank(a.finding.severity) || a.index - b.index);
  const keptFacts = factSections.slice(0, Math.min(2, factSections.length));
  const room = Math.max(1, maxBlocks - fixed - 1 - keptFacts.length);
  const shown = order.slice(0, room);
  const hidden = order.slice(room);
  const leftFacts = reply.facts.slice(keptFacts.length * LIMITS.fieldsPerSection);
  const continuation = options.continuation ?? 'thread';
  const more = moreBlock(hidden.length, leftFacts.length, continuation);
  const main: SlackMessage = {
    text: fallbackText(reply),
    blocks: [
      header,
      ...shown.map(({ finding, index }) => findingBlock(finding, index)),
      ...keptFacts,
      more,
      ...(actions ? [actions] : []),
      context,
    ],
  };

  const restBlocks: Slack.KnownBlock[] = [
    ...hidden.map(({ finding, index }) => findingBlock(finding, index)),
    ...factBlocks(leftFacts, 'fact-more'),
  ];
  const perMessage = maxBlocks - 1;
  const pages = Math.ceil(restBlocks.length / perMessage);
  const rest: SlackMessage[] = [];
  for (let page = 0; page < pages; page += 1) {
    const label = `${reply.command} — continued (${page + 1}/${pages})`;
    rest.push({
      text: truncatePlain(escapeMrkdwn(label), LIMITS.fallbackText),
      blocks: [
        ...restBlocks.slice(page * perMessage, (page + 1) * perMessage),
        contextText(`continued-${page + 1}`, escapeMrkdwn(label)),
      ],
    });
  }
  return { main, rest };
}

/** `--format slack`: the blocks as Block Kit Builder takes them, follow-ups under `thread` when there are any. */
export function renderForCli(reply: Reply): unknown {
  const { main, rest } = renderReply(reply);
  return rest.length > 0
    ? { blocks: main.blocks, thread: rest.map((m) => ({ blocks: m.blocks })) }
    : { blocks: main.blocks };
}

/** The "checking …" message a slow check shows first; `what` is the user's command text. */
export function renderInterim(what: string): SlackMessage {
  const shown = truncatePlain(what.replace(/\s+/g, ' ').trim(), 200);
  const text = `⏳ checking \`${escapeMrkdwn(shown)}\` …`;
  return { text, blocks: [contextText('interim', text)] };
}

/** The plain-text fallback shown in notifications (it is mrkdwn too, so it is escaped). */
export function fallbackText(reply: Reply): string {
  return truncateMrkdwn(`[${reply.status.toUpperCase()}] ${escapeMrkdwn(oneLine(reply.title))}`, LIMITS.fallbackText);
}

function headerBlock(reply: Reply): Slack.HeaderBlock {
  const title = oneLine(reply.title) || reply.command;
  return {
    type: 'header',
    block_id: 'status',
    text: {
      type: 'plain_text',
      text: truncatePlain(`${STATUS_MARK[reply.status]} · ${title}`, LIMITS.headerText),
      emoji: true,
    },
  };
}

function findingBlock(finding: Finding, index: number): Slack.SectionBlock {
  const lines = [
    `${SEVERITY_MARK[finding.severity]} *${finding.severity.toUpperCase()}* ${escapeMrkdwn(finding.message)}`,
  ];
  if (finding.fix) {
    lines.push(`*Fix:* ${escapeMrkdwn(finding.fix.summary)}`);
    for (const step of finding.fix.steps ?? []) lines.push(`• ${escapeMrkdwn(step)}`);
    const links = (finding.fix.links ?? []).map((link) => mrkdwnLink(link.url, link.title));
    if (links.length > 0) lines.push(links.join(' · '));
  }
  return {
    type: 'section',
    // The finding id rides in block_id: invisible to people, stable for tests and for whoever reads the payload.
    block_id: truncatePlain(`finding.${index}.${finding.id}`, LIMITS.blockId),
    text: { type: 'mrkdwn', text: truncateMrkdwn(lines.join('\n'), LIMITS.sectionText) || ' ', verbatim: true },
  };
}

function factBlocks(facts: readonly Fact[], prefix: string): Slack.SectionBlock[] {
  const sections: Slack.SectionBlock[] = [];
  for (let start = 0; start < facts.length; start += LIMITS.fieldsPerSection) {
    const chunk = facts.slice(start, start + LIMITS.fieldsPerSection);
    sections.push({
      type: 'section',
      block_id: `${prefix}.${start / LIMITS.fieldsPerSection}`,
      fields: chunk.map((fact) => ({
        type: 'mrkdwn' as const,
        text: truncateMrkdwn(`*${escapeMrkdwn(oneLine(fact.label))}*\n${escapeMrkdwn(fact.value)}`, LIMITS.fieldText),
        verbatim: true,
      })),
    });
  }
  return sections;
}

function actionsBlock(actions: readonly Action[]): Slack.ActionsBlock | undefined {
  const usable = actions.filter((a) => a.command.trim() !== '' && a.command.length <= LIMITS.buttonValue);
  if (usable.length === 0) return undefined;
  const buttons: Slack.Button[] = usable.slice(0, LIMITS.actionsElements).map((action, i) => ({
    type: 'button',
    action_id: `${RUN_ACTION_PREFIX}${i}`,
    text: {
      type: 'plain_text',
      text: truncatePlain(oneLine(action.label) || oneLine(action.command), LIMITS.buttonText),
      emoji: true,
    },
    value: action.command,
  }));
  return { type: 'actions', block_id: 'actions', elements: buttons };
}

function contextBlock(reply: Reply): Slack.ContextBlock {
  const parts = [`diagbot · \`${escapeMrkdwn(reply.command)}\``];
  const count = reply.findings.length;
  parts.push(`${count} finding${count === 1 ? '' : 's'}`);
  const correlationId = reply.data.correlationId;
  if (typeof correlationId === 'string') parts.push(`correlation id ${escapeMrkdwn(correlationId)}`);
  return contextText('context', parts.join(' · '));
}

function moreBlock(findings: number, facts: number, continuation: 'thread' | 'below'): Slack.ContextBlock {
  const what = [
    findings > 0 ? `${findings} more finding${findings === 1 ? '' : 's'}` : '',
    facts > 0 ? `${facts} more fact${facts === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return contextText('more', `… and ${what}, ${continuation === 'thread' ? 'in the thread' : 'in the next message'}`);
}

function contextText(blockId: string, text: string): Slack.ContextBlock {
  return {
    type: 'context',
    block_id: blockId,
    elements: [{ type: 'mrkdwn', text: truncateMrkdwn(text, LIMITS.sectionText), verbatim: true }],
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
