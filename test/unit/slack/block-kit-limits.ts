/**
 * An independent check of a Slack message against Block Kit's documented limits and our escaping rule,
 * written from Slack's reference (not from render.ts), so the renderer's tests do not grade their own homework.
 */

type Json = Record<string, unknown>;

const LINK = /<(?:https?:\/\/|mailto:)[^\s<>|]+(?:\|[^<>]*)?>/g;

/** Problems with a mrkdwn string: markup that did not come from a link we made, or a bare `&`. */
export function mrkdwnProblems(text: string): string[] {
  const problems: string[] = [];
  const outside = text.replace(LINK, '');
  if (/[<>]/.test(outside)) problems.push(`unescaped < or > in ${JSON.stringify(text.slice(0, 120))}`);
  if (/&(?!(amp|lt|gt);)/.test(text)) problems.push(`bare & in ${JSON.stringify(text.slice(0, 120))}`);
  return problems;
}

function textObject(value: unknown, max: number, where: string, problems: string[]): void {
  if (!value || typeof value !== 'object') {
    problems.push(`${where}: missing text object`);
    return;
  }
  const { type, text } = value as Json;
  if (type !== 'plain_text' && type !== 'mrkdwn') problems.push(`${where}: text type ${String(type)}`);
  if (typeof text !== 'string' || text.length < 1) problems.push(`${where}: empty text`);
  else if (text.length > max) problems.push(`${where}: ${text.length} > ${max} characters`);
  else if (type === 'mrkdwn') problems.push(...mrkdwnProblems(text).map((p) => `${where}: ${p}`));
}

/** Every limit a message breaks; empty when it is valid. */
export function blockKitProblems(message: { text?: unknown; blocks?: unknown }, maxBlocks = 50): string[] {
  const problems: string[] = [];
  if (typeof message.text !== 'string' || message.text.length === 0) problems.push('no fallback text');
  else {
    if (message.text.length > 40_000) problems.push('fallback text over 40,000 characters');
    problems.push(...mrkdwnProblems(message.text).map((p) => `text: ${p}`));
  }
  if (!Array.isArray(message.blocks)) return [...problems, 'blocks is not an array'];
  const blocks = message.blocks as Json[];
  if (blocks.length > maxBlocks) problems.push(`${blocks.length} blocks > ${maxBlocks}`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  blocks.forEach((block, i) => {
    const where = `block ${i} (${String(block.type)})`;
    if (typeof block.block_id === 'string') {
      if (block.block_id.length > 255) problems.push(`${where}: block_id over 255`);
      if (blockIds.has(block.block_id)) problems.push(`${where}: duplicate block_id ${block.block_id}`);
      blockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'header':
        textObject(block.text, 150, where, problems);
        if ((block.text as Json | undefined)?.type !== 'plain_text')
          problems.push(`${where}: header must be plain_text`);
        break;
      case 'section': {
        const fields = block.fields as unknown[] | undefined;
        if (block.text === undefined && fields === undefined) problems.push(`${where}: neither text nor fields`);
        if (block.text !== undefined) textObject(block.text, 3000, where, problems);
        if (fields !== undefined) {
          if (fields.length < 1 || fields.length > 10) problems.push(`${where}: ${fields.length} fields`);
          fields.forEach((field, j) => textObject(field, 2000, `${where} field ${j}`, problems));
        }
        break;
      }
      case 'context': {
        const elements = block.elements as unknown[];
        if (!Array.isArray(elements) || elements.length < 1 || elements.length > 10)
          problems.push(`${where}: context elements`);
        else elements.forEach((element, j) => textObject(element, 3000, `${where} element ${j}`, problems));
        break;
      }
      case 'actions': {
        const elements = block.elements as Json[];
        if (!Array.isArray(elements) || elements.length < 1 || elements.length > 25) {
          problems.push(`${where}: actions elements`);
          break;
        }
        for (const [j, element] of elements.entries()) {
          if (element.type !== 'button') problems.push(`${where}: element ${j} is not a button`);
          textObject(element.text, 75, `${where} button ${j}`, problems);
          const actionId = element.action_id;
          if (typeof actionId !== 'string' || actionId.length > 255) problems.push(`${where}: action_id`);
          else if (actionIds.has(actionId)) problems.push(`${where}: duplicate action_id ${actionId}`);
          else actionIds.add(actionId);
          if (typeof element.value === 'string' && element.value.length > 2000)
            problems.push(`${where}: value over 2000`);
        }
        break;
      }
      case 'divider':
        break;
      default:
        problems.push(`${where}: unexpected block type`);
    }
  });
  return problems;
}

/** The finding ids a rendered message carries (render.ts puts each in its section's block_id). */
export function findingIds(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return [];
  return (blocks as Json[])
    .map((block) => (typeof block.block_id === 'string' ? /^finding\.\d+\.(.+)$/.exec(block.block_id)?.[1] : undefined))
    .filter((id): id is string => id !== undefined);
}
