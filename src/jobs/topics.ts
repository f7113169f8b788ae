/**
 * A dialog's forum topic and its client card, created when the outbox first
 * needs the topic and recreated when a manager deleted it. Every decision is
 * made in the database (a claim, conditional updates), never from a
 * per-process cache, so two instances never give a dialog two topics.
 */
import type { Api } from 'grammy';
import { GrammyError } from 'grammy';
import { and, eq } from 'drizzle-orm';
import type { CommandContext } from '../commands/context.js';
import { botText } from '../commands/botTexts.js';
import { clients, dialogs } from '../db/schema.js';
import { renderClientCard } from '../core/clientCard.js';
import { MANAGERS_LOCALE, textsFor } from '../commands/botTexts.js';
import { dialogStatusOf, neutralTopicTitle, STATUS_EMOJI, topicTitle } from '../core/dialogStatus.js';
import type { RateLimiter, Take } from './rateLimits.js';
import { adoptTopic, TOPIC_CLAIM_MS } from '../commands/dialogs.js';
import type { Logger } from 'pino';
import { topicGone } from './outboxFailures.js';
import { recordGroupProblem } from '../commands/managersChats.js';
import { OUTBOX_CHANNEL, REFRESH_CLIENT_CARD, cardQueue } from '../commands/telegramOutbox.js';

/**
 * Telegram's refusal of createForumTopic for want of rights: the Bot API
 * server passes TDLib's error (ForumTopicManager::create_forum_topic checks
 * the chat's can_create_topics: an administrator's can_manage_topics, or a
 * member's from the group's default permissions) as 400 "Bad Request: not
 * enough rights to create a topic".
 */
export const CANNOT_CREATE_TOPIC = /not enough rights to create a topic/i;

/**
 * Telegram's refusals of a topic's name itself (createForumTopic,
 * editForumTopic): TOPIC_TITLE_TOO_LONG, TOPIC_TITLE_EMPTY (the MTProto
 * errors the Bot API server passes on), and TDLib's own "Title must be
 * non-empty" (ForumTopicManager, after `clean_name`).
 */
const TITLE_REFUSED = /TOPIC_TITLE_TOO_LONG|TOPIC_TITLE_EMPTY|title must be non-empty/i;

/** True when Telegram refused a topic's name (`TITLE_REFUSED`), not the call. */
export function titleRefused(error: unknown): error is GrammyError {
  return error instanceof GrammyError && error.error_code === 400 && TITLE_REFUSED.test(error.description);
}

export const MANAGERS_TIME_ZONE = 'Europe/Moscow';

/** A dialog's row with its client's, as one join reads them (what a card and a title are made of). */
export interface DialogWithClient {
  dialog: typeof dialogs.$inferSelect;
  client: typeof clients.$inferSelect;
}

/** The dialog's topic is being created by a call whose answer was lost: wait for it (or for its claim to run out). */
export class TopicPending extends Error {
  constructor(readonly dialogId: number) {
    super(`the topic of dialog ${dialogId} may have been created by a call whose answer was lost; waiting for Telegram's forum_topic_created`);
  }
}

/**
 * A topic no dialog owns (it lost the race to another instance's topic, or
 * its creation was answered too late): deleted, or closed if Telegram
 * refuses the deletion, so managers never see an empty topic.
 */
export async function deleteOrphanTopic(api: Api, chatId: number, topicId: number, log: Pick<Logger, 'warn'>): Promise<void> {
  try {
    await api.deleteForumTopic(chatId, topicId);
  } catch (error) {
    log.warn(`Could not delete the extra topic ${topicId} in ${chatId} (${(error as Error).message}); closing it`);
    await api.closeForumTopic(chatId, topicId).catch(() => undefined);
  }
}

/** What a client card shows beside its dialog and client (CARD_EXTRA_SQL). */
interface CardExtra {
  owner_name: string | null;
  requests: Array<{ id: number; number: string; status: string }>;
  ratings: number[];
  labels: string[];
}

/**
 * A card's other facts in one statement, prepared once per connection (a card
 * is rendered on every status change, issue 19.1: four statements built by
 * Drizzle each time were most of a rename's cost): the owner's name; the
 * dialog's newest ten requests; the client's ratings (issue 19.8) from every
 * dialog of theirs, newest first; their labels in name order. $1 owner's user
 * id (or null), $2 dialog id, $3 client id.
 */
const CARD_EXTRA_SQL = `SELECT
    (SELECT name FROM users WHERE id = $1::bigint) AS owner_name,
    coalesce((SELECT json_agg(json_build_object('id', r.id, 'number', r.number, 'status', r.status) ORDER BY r.created_at DESC)
                FROM (SELECT id, number, status, created_at FROM requests WHERE dialog_id = $2::bigint ORDER BY created_at DESC LIMIT 10) r), '[]') AS requests,
    coalesce((SELECT json_agg(rr.score ORDER BY rr.rated_at DESC)
                FROM request_ratings rr JOIN dialogs d ON d.id = rr.dialog_id
               WHERE d.client_id = $3::bigint AND rr.score IS NOT NULL), '[]') AS ratings,
    coalesce((SELECT json_agg(l.label ORDER BY l.label) FROM client_labels l WHERE l.client_id = $3::bigint), '[]') AS labels`;

export class Topics {
  constructor(
    private readonly ctx: CommandContext,
    private readonly api: Api,
    private readonly limiter: RateLimiter,
  ) {}

  private async load(dialogId: number): Promise<DialogWithClient> {
    const db = this.ctx.database.db;
    const [row] = await db
      .select({ dialog: dialogs, client: clients })
      .from(dialogs)
      .innerJoin(clients, eq(clients.id, dialogs.clientId))
      .where(eq(dialogs.id, dialogId));
    if (!row) throw new Error(`Dialog ${dialogId} does not exist`);
    return row;
  }

  /** The card of the dialog as `row` has it (read by the caller, once). */
  private async cardHtml(row: DialogWithClient): Promise<string> {
    const { client, dialog } = row;
    const dialogId = dialog.id;
    const { rows: [extra] } = await this.ctx.database.pool.query<CardExtra>({ name: 'hotline_card_extra', text: CARD_EXTRA_SQL, values: [dialog.ownerUserId, dialogId, client.id] });
    const status = dialogStatusOf(dialog, client);
    return renderClientCard({
      telegramUserId: client.telegramUserId,
      firstName: client.firstName,
      lastName: client.lastName,
      username: client.username,
      language: client.language,
      firstContactAt: client.createdAt,
      blockedAt: client.blockedAt,
      startParameter: client.startParameter,
      labels: extra!.labels,
      ownerName: extra!.owner_name,
      ratings: extra!.ratings,
      statusText: `${STATUS_EMOJI[status]} ${botText(MANAGERS_LOCALE, `dialog-status-${status}`)}`,
      requests: extra!.requests,
      publicUrl: this.ctx.config.publicUrl,
      timeZone: MANAGERS_TIME_ZONE,
    }, textsFor(MANAGERS_LOCALE));
  }

  /**
   * The dialog's topic id, creating the topic if there is none, and seeing
   * to its client card. Read from the database on every call, never from a
   * per-process cache: another instance may have recreated the topic a
   * moment ago.
   *
   * The card: with Telegram's limits off it is posted here, before the
   * topic's first message. With them on it is queued as housekeeping
   * (commands/telegramOutbox `cardQueue`) and goes out once the group has no
   * client content due: a new client costs the group's 20 messages a minute
   * their topic and their words first, the card after (issue 21.1). The
   * queued step is durable (an outbox row), so a card that waits still
   * arrives — after a crash too: a topic still without a card queues one again.
   *
   * Throws TopicPending while an earlier createForumTopic of this dialog has
   * an unknown outcome (its answer was lost): Telegram may have created that
   * topic, and its `forum_topic_created` will be adopted (adoptCreatedTopic),
   * so a second one is not created until the claim runs out.
   *
   * `take`: the outbox's take of the group's budget for the message that
   * needs the topic; a topic created here spends it (marked `spent`: the
   * message then takes another), so a burst of new clients' messages never
   * holds the group's window while their topics wait for room (issue 21.1).
   */
  async ensure(dialogId: number, take?: Take): Promise<number> {
    const row = await this.load(dialogId);
    const { topicId, cardMessageId, chatId } = await this.topic(row, take);
    if (cardMessageId === null) {
      if (this.limiter.enabled) await this.queueCard(dialogId, chatId);
      else await this.postCard(dialogId, chatId, topicId, await this.cardHtml(row));
    }
    return topicId;
  }

  /** The dialog's topic (created if `row` has none) and its card's message id (null: no card yet). */
  private async topic(row: DialogWithClient, take?: Take): Promise<{ topicId: number; cardMessageId: number | null; chatId: number }> {
    const { dialog, client } = row;
    const chatId = dialog.managersChatId;
    if (dialog.topicId !== null) return { topicId: dialog.topicId, cardMessageId: dialog.clientCardMessageId, chatId };
    const status = dialogStatusOf(dialog, client);
    const title = topicTitle(client, status);
    let topicId;
    try {
      topicId = await this.create(dialog.id, chatId, title, take);
    } catch (error) {
      // A title Telegram refuses although it was fitted (core/dialogStatus `fitTopicTitle`): the client's words must
      // still reach the managers, so the topic is created with a title every count takes, and the refusal is told.
      const neutral = neutralTopicTitle(client, status);
      if (!titleRefused(error) || neutral === title) throw error;
      this.ctx.log.error(`Telegram refused the topic title of dialog ${dialog.id} (${error.description}, ${title.length} UTF-16 units); creating the topic as «${neutral}»`);
      topicId = await this.create(dialog.id, chatId, neutral, take);
    }
    return { topicId, cardMessageId: null, chatId };
  }

  /**
   * Queues the card step (a refresh posts the card a topic lacks) unless one
   * is waiting already: one statement, so a dialog's every message on its way
   * does not add one. Two instances at once may both add one; waiting side by
   * side they go out as one (their coalesce key), else the second finds the
   * card up to date.
   */
  private async queueCard(dialogId: number, chatId: number): Promise<void> {
    const queued = await this.ctx.database.pool.query(
      `INSERT INTO telegram_outbox (chat_id, queue, method, payload, target, coalesce_key)
       SELECT $1, $2::text, $3, '{}'::jsonb, $4::jsonb, $2::text
        WHERE NOT EXISTS (SELECT 1 FROM telegram_outbox WHERE queue = $2::text AND state = 'pending')`,
      [chatId, cardQueue(dialogId), REFRESH_CLIENT_CARD, JSON.stringify({ topicOfDialog: dialogId })],
    );
    if (queued.rowCount) this.ctx.live.publish({ channel: OUTBOX_CHANNEL, type: 'wake' });
  }

  /**
   * Creates the dialog's topic, once across instances: a conditional update
   * claims the creation (only a dialog without a topic and without a live
   * claim), and the new topic is saved only where the dialog still has none.
   * A topic that lost that race is an orphan and is deleted at once.
   */
  private async create(dialogId: number, chatId: number, name: string, take?: Take): Promise<number> {
    const claimed = await this.ctx.database.pool.query(
      `UPDATE dialogs SET topic_claimed_at = now(), topic_claim_name = $2, topic_title = $2
        WHERE id = $1 AND topic_id IS NULL
          AND (topic_claimed_at IS NULL OR topic_claimed_at < now() - make_interval(secs => $3::float8))
        RETURNING id`,
      [dialogId, name, TOPIC_CLAIM_MS / 1000],
    );
    if (claimed.rowCount === 0) {
      const { dialog } = await this.load(dialogId);
      if (dialog.topicId !== null) return dialog.topicId;
      throw new TopicPending(dialogId);
    }
    let topic;
    try {
      topic = await this.limiter.sending(chatId, () => this.api.createForumTopic(chatId, name), 'content', take);
    } catch (error) {
      // Refused: Telegram created nothing, the claim goes. Unknown outcome
      // (no answer): the claim stays, so that the topic Telegram may have
      // created is adopted from its service message instead of doubled.
      if (error instanceof GrammyError) await this.ctx.database.db.update(dialogs).set({ topicClaimedAt: null, topicClaimName: null }).where(eq(dialogs.id, dialogId));
      // What Telegram refuses is the group's health, whatever the bot's my_chat_member said (told once).
      if (error instanceof GrammyError && CANNOT_CREATE_TOPIC.test(error.description)) {
        await recordGroupProblem(this.ctx, chatId, 'cannot_manage_topics', true, { cause: `Telegram refused createForumTopic: ${error.description}` });
      }
      throw error;
    }
    // A topic was created: the bot may create topics (a no-op unless it could not until now).
    await recordGroupProblem(this.ctx, chatId, 'cannot_manage_topics', false, { cause: 'a topic was created' });
    const topicId = topic.message_thread_id;
    const winner = await adoptTopic(this.ctx.database.db, dialogId, chatId, topicId);
    if (winner === topicId) {
      this.ctx.log.info(`Opened topic ${topicId} in ${chatId} for dialog ${dialogId}`);
      return topicId;
    }
    this.ctx.log.warn(`Dialog ${dialogId} got topic ${winner} meanwhile; deleting the extra topic ${topicId}`);
    await deleteOrphanTopic(this.api, chatId, topicId, this.ctx.log);
    if (winner === undefined) throw new TopicPending(dialogId);
    return winner;
  }

  /**
   * The topic is gone (a manager deleted it): the next call to ensure()
   * creates a new one. Conditional on the topic that failed, so an instance
   * that saw an old topic fail never clears the one another instance has
   * created since.
   */
  async forget(dialogId: number, goneTopicId: number | undefined): Promise<void> {
    if (goneTopicId === undefined) return;
    const forgotten = await this.ctx.database.db
      .update(dialogs)
      .set({ topicId: null, clientCardMessageId: null })
      .where(and(eq(dialogs.id, dialogId), eq(dialogs.topicId, goneTopicId)))
      .returning({ id: dialogs.id });
    if (forgotten.length) this.ctx.log.warn(`The topic of dialog ${dialogId} was deleted; it will be recreated with the client card`);
  }

  /**
   * Edits the client card in place; posts a new one if the old card is gone
   * (or the topic had none; a dialog without a topic gets one first).
   * `loaded`: the dialog and client as the caller just read them (a rename,
   * jobs/topicTitle), so they are not read again; otherwise read here, once.
   */
  async refreshCard(dialogId: number, loaded?: DialogWithClient): Promise<void> {
    const row = loaded ?? (await this.load(dialogId));
    const { topicId: threadId, cardMessageId } = await this.topic(row);
    const html = await this.cardHtml(row);
    const chatId = row.dialog.managersChatId;
    if (cardMessageId) {
      try {
        // A card is housekeeping (jobs/telegramOutbox HOUSEKEEPING): it leaves the group's reserve to the clients' words.
        await this.limiter.sending(
          chatId,
          () =>
            this.api.editMessageText(chatId, cardMessageId, html, {
              parse_mode: 'HTML',
              link_preview_options: { is_disabled: true },
            }),
          'housekeeping',
        );
        return;
      } catch (error) {
        if (error instanceof GrammyError && /message is not modified/.test(error.description)) return;
        if (!(error instanceof GrammyError && /message to edit not found/.test(error.description))) throw error;
      }
    }
    await this.postCard(dialogId, chatId, threadId, html);
  }

  /**
   * Posts the client card into `topicId` and remembers it — only for that
   * topic (it may have been replaced meanwhile). A topic found gone here is
   * forgotten on the spot, where its id is known, so the next try creates a
   * new one instead of retrying the dead topic forever.
   */
  private async postCard(dialogId: number, chatId: number, topicId: number, html: string): Promise<void> {
    const card = await this.limiter
      .sending(chatId, () => this.api.sendMessage(chatId, html, { message_thread_id: topicId, parse_mode: 'HTML', link_preview_options: { is_disabled: true } }), 'housekeeping')
      .catch(async (error: unknown) => {
        if (topicGone(error)) await this.forget(dialogId, topicId);
        throw error;
      });
    await this.ctx.database.db
      .update(dialogs)
      .set({ clientCardMessageId: card.message_id })
      .where(and(eq(dialogs.id, dialogId), eq(dialogs.topicId, topicId)));
  }
}
