import type { Reply } from './reply';

export type Platform = 'slack' | 'teams' | 'cli' | 'digest';

/** How the request arrived: a DM and a mention may fall back to `explain`; a slash command may not. */
export type Door = 'command' | 'dm' | 'mention' | 'shortcut' | 'action' | 'terminal' | 'schedule';

/**
 * One chat message, normalised. Every door (Slack, Teams, terminal, scheduler) produces this;
 * commands never see a platform payload except through the untyped `raw` escape hatch, which
 * they must not read.
 */
export interface ChatRequest {
  platform: Platform;
  door: Door;
  /** Platform user id (Slack U…, Teams AAD object id, `local` in the terminal). */
  userId: string;
  /** Slack user-group ids or similar memberships the adapter knows, for roles. */
  userGroups?: string[];
  /** Workspace / tenant id when the platform has one. */
  teamId?: string;
  /** Channel or conversation id. */
  channelId: string;
  /** Thread (Slack thread_ts, Teams reply-to id) when the message is in one. */
  threadId?: string;
  /** The text exactly as the platform sent it. */
  rawText: string;
  /** The text with platform markup removed (see normalise.ts). */
  text: string;
  /** The platform payload, for the adapter's own use only. */
  raw?: unknown;
  /** Sends an interim answer (e.g. "checking …") to where the request came from, when the door can. */
  respond?: (reply: Reply) => Promise<void>;
}
