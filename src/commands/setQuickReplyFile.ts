/**
 * A quick reply's optional file (issue 19.4): uploaded on the quick replies
 * page (the same types and size as a request's documents), kept as a
 * document of source `upload` belonging to no request or dialog; `/t` sends
 * it with the text as its caption (commands/sendQuickReply).
 */
import { eq } from 'drizzle-orm';
import { documents, quickReplies } from '../db/schema.js';
import type { Storage } from '../documents/storage.js';
import type { Viewer } from '../policies/access.js';
import { checkUpload } from './attachRequestDocument.js';
import { NotFoundError, recordEvent, type CommandContext } from './context.js';
import { sanitizeFileName } from './requestDocuments.js';
import { requireQuickReplies, type QuickReply } from './saveQuickReply.js';

export interface Props {
  actor: Viewer;
  /** The quick reply. */
  id: number;
  /** The stored upload, or null to take the file away. */
  upload: { fileName: string; claimedMime: string; stored: { key: string; size: number; sha256: string; head: Buffer } } | null;
  storage?: Storage;
}

/**
 * Attaches a file to a quick reply (replacing one it had) or takes it away.
 * Errors: 403 for others than our staff; 404 for an unknown quick reply; 400
 * `file` for a type the platform does not take or bytes that are not what
 * the name says (attachRequestDocument's `checkUpload`).
 */
export async function setQuickReplyFile(ctx: CommandContext, props: Props): Promise<QuickReply & { fileName: string | null }> {
  const name = props.upload ? sanitizeFileName(props.upload.fileName) : null;
  const { storage } = props;
  const mime = props.upload ? await checkUpload(name!, props.upload.claimedMime, props.upload.stored.head, storage && (() => storage.get(props.upload!.stored.key))) : null;
  return ctx.database.transaction(async (tx) => {
    await requireQuickReplies(tx, props.actor);
    const [reply] = await tx.db.select().from(quickReplies).where(eq(quickReplies.id, props.id)).for('update');
    if (!reply) throw new NotFoundError('Быстрый ответ не найден');
    let documentId: number | null = null;
    if (props.upload) {
      const [document] = await tx.db
        .insert(documents)
        .values({
          source: 'upload',
          state: 'stored',
          storageKey: props.upload.stored.key,
          name: name!,
          mime,
          size: props.upload.stored.size,
          sha256: props.upload.stored.sha256,
          uploadedBy: props.actor.userId,
        })
        .returning({ id: documents.id });
      documentId = document!.id;
    }
    const [saved] = await tx.db.update(quickReplies).set({ documentId, updatedBy: props.actor.userId, updatedAt: new Date() }).where(eq(quickReplies.id, reply.id)).returning();
    await recordEvent(tx, {
      actor: { userId: props.actor.userId },
      subjectType: 'quick_reply',
      subjectId: reply.id,
      name: 'quick_reply.file',
      before: { documentId: reply.documentId },
      after: { documentId, name },
    });
    return { ...saved!, fileName: name };
  });
}
