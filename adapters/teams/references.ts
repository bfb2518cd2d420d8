import type { ConversationReferenceStore, Destination } from '../../src/core/post';

/**
 * Conversation references: Teams lets a bot post on its own (a digest, an answer that finished after the
 * turn) only where it holds one. The composition root passes the persistent store; this in-memory one
 * stands in when none is given (tests, a quick local run), and forgets everything on restart.
 */
export function createMemoryReferenceStore(): ConversationReferenceStore & { size(): number } {
  const references = new Map<string, unknown>();
  const key = (platform: Destination['platform'], channelId: string): string => `${platform}\u0000${channelId}`;
  return {
    async save(platform, channelId, reference) {
      references.set(key(platform, channelId), structuredClone(reference));
    },
    async load(platform, channelId) {
      const found = references.get(key(platform, channelId));
      return found === undefined ? undefined : structuredClone(found);
    },
    size: () => references.size,
  };
}

/**
 * Saves a reference only when it changed since the last save from this process, so a busy channel does
 * not write the same row on every message.
 */
export function createReferenceSaver(
  store: ConversationReferenceStore,
): (channelId: string, reference: unknown) => Promise<void> {
  const last = new Map<string, string>();
  return async (channelId, reference) => {
    const text = JSON.stringify(reference);
    if (last.get(channelId) === text) return;
    await store.save('teams', channelId, reference);
    // Bounded: a bot in thousands of conversations keeps only the most recent few thousand fingerprints.
    if (last.size >= 5000) last.delete(last.keys().next().value as string);
    last.set(channelId, text);
  };
}
