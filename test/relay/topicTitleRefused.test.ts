/**
 * A topic title Telegram refuses although Hotline fitted it (a count of the
 * 128 other than ours, a character it does not take): the client's words
 * must still reach the managers. Creating the topic falls back to the
 * neutral «<status> Клиент <id>» (jobs/topics), and so does a rename
 * (jobs/topicTitle); both say so in the log at error level.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrammyError, type Api } from 'grammy';
import { eq } from 'drizzle-orm';
import { openCommandContext, type CommandTestContext } from '../helpers/app.js';
import { clients, dialogs } from '../../src/db/schema.js';
import { RateLimiter } from '../../src/jobs/rateLimits.js';
import { Topics } from '../../src/jobs/topics.js';
import { renameTopic } from '../../src/jobs/topicTitle.js';

const GROUP = -1002000000002;
const refused = (method: string) => new GrammyError(`Call to '${method}' failed!`, { ok: false, error_code: 400, description: 'Bad Request: TOPIC_TITLE_TOO_LONG' }, method, {});

describe('a topic title Telegram refuses', () => {
  let t: CommandTestContext;
  const sent: Array<{ method: string; name?: string }> = [];
  /** Telegram as it would be if it counted stricter than we fit: only the neutral titles pass. */
  const api = {
    createForumTopic: async (_chat: number, name: string) => {
      sent.push({ method: 'createForumTopic', name });
      if (!name.includes('Клиент')) throw refused('createForumTopic');
      return { message_thread_id: 501, name, icon_color: 0 };
    },
    editForumTopic: async (_chat: number, _thread: number, other: { name: string }) => {
      sent.push({ method: 'editForumTopic', name: other.name });
      if (!other.name.includes('Клиент')) throw refused('editForumTopic');
      return true;
    },
    sendMessage: async () => (sent.push({ method: 'sendMessage' }), { message_id: 502 }),
    editMessageText: async () => (sent.push({ method: 'editMessageText' }), true),
  } as unknown as Api;
  const errors: string[] = [];

  beforeAll(async () => {
    t = await openCommandContext();
    const log = t.ctx.log;
    const error = log.error.bind(log) as (...args: unknown[]) => void;
    (log as unknown as { error: (...args: unknown[]) => void }).error = (...args: unknown[]) => {
      errors.push(String(args[0]));
      error(...args);
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creation: the topic is created as «🔴 Клиент <id>», the refusal logged; a rename falls back the same way', async () => {
    const [client] = await t.ctx.database.db.insert(clients).values({ telegramUserId: 9_300_001, firstName: 'Очень', lastName: 'Длинное Имя' }).returning();
    const [dialog] = await t.ctx.database.db.insert(dialogs).values({ clientId: client!.id, managersChatId: GROUP, waitingSince: new Date() }).returning();
    const topics = new Topics(t.ctx, api, new RateLimiter(false));

    expect(await topics.ensure(dialog!.id)).toBe(501);
    expect(sent.filter((s) => s.method === 'createForumTopic').map((s) => s.name)).toEqual(['🔴 Очень Длинное Имя', '🔴 Клиент 9300001']);
    expect(errors.some((e) => e.includes(`topic title of dialog ${dialog!.id}`) && e.includes('TOPIC_TITLE_TOO_LONG'))).toBe(true);
    let [row] = await t.ctx.database.db.select().from(dialogs).where(eq(dialogs.id, dialog!.id));
    expect(row!.topicId).toBe(501);
    expect(row!.topicTitle).toBe('🔴 Клиент 9300001');

    // The ball goes to the client: the rename is refused too, and shows the status with the neutral name.
    await t.ctx.database.db.update(dialogs).set({ waitingSince: null }).where(eq(dialogs.id, dialog!.id));
    sent.length = 0;
    errors.length = 0;
    await renameTopic(t.ctx, api, topics, new RateLimiter(false), dialog!.id);
    expect(sent.filter((s) => s.method === 'editForumTopic').map((s) => s.name)).toEqual(['🟢 Очень Длинное Имя', '🟢 Клиент 9300001']);
    expect(errors.some((e) => e.includes('TOPIC_TITLE_TOO_LONG'))).toBe(true);
    [row] = await t.ctx.database.db.select().from(dialogs).where(eq(dialogs.id, dialog!.id));
    expect(row!.topicTitle).toBe('🟢 Клиент 9300001');
  });
});
