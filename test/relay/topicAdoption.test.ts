/**
 * The outbox saving createForumTopic's answer and the intake adopting the
 * same topic from its `forum_topic_created` race on PostgreSQL (two
 * connections). Whoever gets there second must see the topic as the dialog's,
 * not as an orphan to delete — CI once saw the outbox delete a dialog's only
 * topic that way, and the dialog's messages waited for good.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/index.js';
import { clients, dialogs, dialogTopics } from '../../src/db/schema.js';
import { adoptTopic } from '../../src/commands/dialogs.js';
import { createPostgresDatabase, tempDir } from '../helpers/database.js';

const serverUrl = process.env.TEST_DATABASE_URL;
const GROUP = -1002000000001;

describe.skipIf(!serverUrl)('adopting a topic on PostgreSQL while another connection adopts it', () => {
  let database: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await createPostgresDatabase(serverUrl!);
    drop = created.drop;
    database = await openDatabase({ url: created.url, dataDir: tempDir(), log: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  async function newDialog(telegramUserId: number): Promise<number> {
    const [client] = await database.db.insert(clients).values({ telegramUserId, firstName: 'Роман' }).returning();
    const [dialog] = await database.db
      .insert(dialogs)
      .values({ clientId: client!.id, managersChatId: GROUP, topicClaimedAt: new Date(), topicClaimName: 'Роман' })
      .returning();
    return dialog!.id;
  }

  /** `first` adopts inside a transaction held open while `second` tries; then `first` commits. */
  async function race(dialogId: number, first: number, second: number): Promise<number | undefined> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const holder = database.transaction(async (tx) => {
      expect(await adoptTopic(tx.db, dialogId, GROUP, first)).toBe(first);
      inside();
      await held;
    });
    await entered;
    const waiting = adoptTopic(database.db, dialogId, GROUP, second);
    // The second adoption waits for the first one's row lock.
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await holder;
    return waiting;
  }

  it('the same topic adopted twice at once: both sides see it as the dialog topic', async () => {
    const dialogId = await newDialog(9_100_001);
    expect(await race(dialogId, 1033, 1033)).toBe(1033);
    const [dialog] = await database.db.select().from(dialogs).where(eq(dialogs.id, dialogId));
    expect(dialog).toMatchObject({ topicId: 1033, topicClaimedAt: null });
    expect(await database.db.select().from(dialogTopics).where(eq(dialogTopics.dialogId, dialogId))).toHaveLength(1);
  });

  it('a different topic adopted meanwhile: the later one learns the winner, not "no topic"', async () => {
    const dialogId = await newDialog(9_100_002);
    expect(await race(dialogId, 2001, 2002)).toBe(2001);
    const [dialog] = await database.db.select().from(dialogs).where(eq(dialogs.id, dialogId));
    expect(dialog!.topicId).toBe(2001);
  });
});
