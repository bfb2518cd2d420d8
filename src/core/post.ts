import type { Reply } from './reply';

/** Where a scheduled post goes: a Slack channel, or a Teams conversation (by its saved reference). */
export interface Destination {
  platform: 'slack' | 'teams';
  channelId: string;
  threadId?: string;
}

/**
 * The port through which the scheduler posts without a user message to answer. Each platform adapter
 * implements it (Slack chat.postMessage, Teams continueConversation); the digest code knows only this.
 */
export interface PostPort {
  platform: Destination['platform'];
  post(destination: Destination, reply: Reply): Promise<{ messageId?: string }>;
}

/**
 * Teams lets a bot post only where it holds a conversation reference: the Teams adapter saves one here
 * whenever it is installed in or spoken to in a conversation; its post port reads it back.
 */
export interface ConversationReferenceStore {
  save(platform: Destination['platform'], channelId: string, reference: unknown): Promise<void>;
  load(platform: Destination['platform'], channelId: string): Promise<unknown | undefined>;
}
