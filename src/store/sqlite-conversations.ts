import type { Database } from 'better-sqlite3';
import type { ConversationReferenceStore } from '../core/post';
import { storeError, withBusyRetry } from './errors';

/**
 * Teams conversation references, saved by the Teams adapter whenever the bot is installed in or spoken to
 * in a conversation, and read back by its post port for proactive messages. The reference is opaque here
 * (botbuilder's shape); it is stored as JSON and the newest one wins.
 */
export function createSqliteConversationStore(db: Database): ConversationReferenceStore {
  const upsert = db.prepare(
    `INSERT INTO conversation_refs (platform, channel_id, reference, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (platform, channel_id) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
  );
  const select = db.prepare<[string, string], { reference: string }>(
    'SELECT reference FROM conversation_refs WHERE platform = ? AND channel_id = ?',
  );

  return {
    async save(platform, channelId, reference) {
      const text = JSON.stringify(reference);
      if (text === undefined) throw storeError('A conversation reference must be JSON data.');
      await withBusyRetry(() => upsert.run(platform, channelId, text, Date.now()));
    },
    async load(platform, channelId) {
      const row = await withBusyRetry(() => select.get(platform, channelId));
      if (row === undefined) return undefined;
      try {
        return JSON.parse(row.reference) as unknown;
      } catch (error) {
        throw storeError(
          `The saved conversation reference for ${platform} ${channelId} is not valid JSON; the bot must be spoken to there again.`,
          { cause: error },
        );
      }
    },
  };
}
