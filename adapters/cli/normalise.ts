import type { ChatRequest } from '../../src/core/chat-request';
import { normaliseCommon } from '../../src/core/normalise';

/** A line typed at the terminal (or a one-shot argument) as a ChatRequest from the local user. */
export function normaliseCliText(text: string): ChatRequest {
  return {
    platform: 'cli',
    door: 'terminal',
    userId: 'local',
    channelId: 'terminal',
    rawText: text,
    text: normaliseCommon(text),
  };
}
