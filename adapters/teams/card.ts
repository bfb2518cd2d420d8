/**
 * The slice of the Adaptive Card schema this adapter writes (https://adaptivecards.io/explorer/), typed as a
 * closed union so a new element kind breaks the build rather than a card. Plain data: no SDK types, so
 * `diagbot --format teams` loads nothing of botbuilder.
 */

/** Teams renders Adaptive Cards up to schema 1.5 on every client (desktop, web, mobile). */
export const CARD_VERSION = '1.5';

/** The content type of an Adaptive Card attachment in a Bot Framework activity. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export type TextColor = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';
export type ContainerStyle = 'default' | 'emphasis' | 'good' | 'warning' | 'attention' | 'accent';

export interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  weight?: 'Bolder';
  size?: 'Small' | 'Medium' | 'Large';
  color?: TextColor;
  isSubtle?: boolean;
  spacing?: 'None' | 'Small' | 'Medium';
}

export interface FactSet {
  type: 'FactSet';
  facts: Array<{ title: string; value: string }>;
}

/** What an `Action.Submit` carries back: the command text to run, exactly as typed. */
export interface SubmitData {
  diagbotCommand: string;
}

export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}

export interface SubmitAction {
  type: 'Action.Submit';
  title: string;
  data: SubmitData;
}

export type CardAction = OpenUrlAction | SubmitAction;

export interface ActionSet {
  type: 'ActionSet';
  actions: CardAction[];
}

export interface Container {
  type: 'Container';
  items: CardElement[];
  style?: ContainerStyle;
  separator?: boolean;
  spacing?: 'None' | 'Small' | 'Medium';
}

export type CardElement = TextBlock | FactSet | ActionSet | Container;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: typeof CARD_VERSION;
  body: CardElement[];
  actions?: CardAction[];
  /** Teams-only: use the full width of the conversation rather than a narrow bubble. */
  msteams?: { width: 'Full' };
}

/** A card as a Bot Framework attachment. */
export interface CardAttachment {
  contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
  content: AdaptiveCard;
}

export function cardAttachment(card: AdaptiveCard): CardAttachment {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

/** UTF-8 size of the card as it travels (Teams counts bytes of the whole message). */
export function cardBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Reads the command out of an `Action.Submit` payload, or undefined when the payload is not ours. */
export function submittedCommand(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const command = (value as Record<string, unknown>).diagbotCommand;
  return typeof command === 'string' && command.trim() !== '' ? command : undefined;
}
