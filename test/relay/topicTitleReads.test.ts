/**
 * A status change costs the relay's process a rename and a card edit
 * (jobs/topicTitle, jobs/topics): under a busy relay each statement counts
 * (bench/dialogStatus.ts). The rename reads the dialog with its client once,
 * and the card is made from that same row — the status the title just
 * showed — not read again (it was read four times: the rename, then the
 * card's topic, the card's dialog, the card's HTML).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from 'grammy';
import { eq } from 'drizzle-orm';
import { openCommandContext, type CommandTestContext } from '../helpers/app.js';
import { clients, dialogs } from '../../src/db/schema.js';
import { RateLimiter } from '../../src/jobs/rateLimits.js';
import { Topics } from '../../src/jobs/topics.js';
import { renameTopic } from '../../src/jobs/topicTitle.js';

const GROUP = -1002000000001;

describe('a rename and its card read the dialog once', () => {
  let t: CommandTestContext;
  /** Every statement's text sent through the pool (Drizzle's and the raw ones). */
  const statements: string[] = [];
  const sent: Array<{ method: string; args: unknown[] }> = [];
  const api = {
    editForumTopic: async (...args: unknown[]) => (sent.push({ method: 'editForumTopic', args }), true),
    editMessageText: async (...args: unknown[]) => (sent.push({ method: 'editMessageText', args }), true),
  } as unknown as Api;

  beforeAll(async () => {
    t = await openCommandContext();
    const pool = t.ctx.database.pool;
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0] as string | { text: string };
      statements.push(typeof first === 'string' ? first : first.text);
      return query(...args);
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  async function dialogWaitingForUs(telegramUserId: number, shownTitle: string, topicId: number): Promise<number> {
    const [client] = await t.ctx.database.db.insert(clients).values({ telegramUserId, firstName: 'Роман' }).returning();
    const [dialog] = await t.ctx.database.db
      .insert(dialogs)
      .values({ clientId: client!.id, managersChatId: GROUP, topicId, clientCardMessageId: topicId + 1, topicTitle: shownTitle, waitingSince: new Date() })
      .returning();
    return dialog!.id;
  }

  const dialogReads = () => statements.filter((s) => /^select\b/i.test(s.trim()) && /from "dialogs" inner join "clients"/i.test(s)).length;

  it('a rename that changes the status shown: one read, the title and the card both show 🔴', async () => {
    const dialogId = await dialogWaitingForUs(9_200_001, '🟢 Роман', 77);
    statements.length = 0;
    sent.length = 0;
    const topics = new Topics(t.ctx, api, new RateLimiter(false));
    await renameTopic(t.ctx, api, topics, new RateLimiter(false), dialogId);
    expect(sent.map((s) => s.method)).toEqual(['editForumTopic', 'editMessageText']);
    expect(sent[0]!.args).toEqual([GROUP, 77, { name: '🔴 Роман' }]);
    expect(sent[1]!.args.slice(0, 2)).toEqual([GROUP, 78]);
    expect(String(sent[1]!.args[2])).toContain('🔴');
    expect(dialogReads()).toBe(1);
    const [dialog] = await t.ctx.database.db.select().from(dialogs).where(eq(dialogs.id, dialogId));
    expect(dialog!.topicTitle).toBe('🔴 Роман');
  });

  it('a card refreshed on its own (a label, a new name) reads the dialog once', async () => {
    const dialogId = await dialogWaitingForUs(9_200_002, '🔴 Роман', 87);
    statements.length = 0;
    sent.length = 0;
    await new Topics(t.ctx, api, new RateLimiter(false)).refreshCard(dialogId);
    expect(sent.map((s) => s.method)).toEqual(['editMessageText']);
    expect(dialogReads()).toBe(1);
  });
});
