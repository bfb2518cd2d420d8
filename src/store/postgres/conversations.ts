import { z } from 'zod';
import type { ConversationReferenceStore } from '../../core/post';
import { storeError } from '../errors';
import type { Db } from './pool';

const rowSchema = z.object({ reference: z.string() });

/** Teams conversation references in PostgreSQL: any replica can post proactively where another was spoken to. */
export function createPgConversationStore(db: Db): ConversationReferenceStore {
  return {
    async save(platform, channelId, reference) {
      const text = JSON.stringify(reference);
      if (text === undefined) throw storeError('A conversation reference must be JSON data.');
      await db.query(
        `INSERT INTO conversation_refs (platform, channel_id, reference, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (platform, channel_id) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
        [platform, channelId, text, Date.now()],
      );
    },
    async load(platform, channelId) {
      const row = (
        await db.query('SELECT reference FROM conversation_refs WHERE platform = $1 AND channel_id = $2', [
          platform,
          channelId,
        ])
      ).rows[0];
      if (row === undefined) return undefined;
      try {
        return JSON.parse(rowSchema.parse(row).reference) as unknown;
      } catch (error) {
        throw storeError(
          `The saved conversation reference for ${platform} ${channelId} is not valid JSON; the bot must be spoken to there again.`,
          { cause: error },
        );
      }
    },
  };
}
