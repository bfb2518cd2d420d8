import type { ChatRequest, Door, Platform } from '../../src/core/chat-request';

/** A ChatRequest as a door would build it; only the text is required. */
export function chatRequest(
  text: string,
  overrides: Partial<ChatRequest> & { door?: Door; platform?: Platform } = {},
): ChatRequest {
  return {
    platform: 'cli',
    door: 'terminal',
    userId: 'local',
    channelId: 'terminal',
    rawText: text,
    text,
    ...overrides,
  };
}
