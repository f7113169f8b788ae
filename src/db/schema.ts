/**
 * The database schema: one table per word of ARCHITECTURE.md §2.
 * Money columns are `numeric` and travel as strings (decimal.js in code).
 * Every timestamp is `timestamptz` (stored in UTC).
 * After changing this file run `npm run db:generate` and commit the migration.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { clientKeys, requestKeys, SEARCH_VECTOR } from './searchIndex.js';

const id = () => bigserial('id', { mode: 'number' }).primaryKey();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
/** Telegram ids exceed 2^31 (chats are -100…); JS numbers hold them exactly up to 2^53. */
const tgId = (name: string) => bigint(name, { mode: 'number' });
const money = (name: string) => numeric(name, { precision: 20, scale: 2 });

export const organizationKind = pgEnum('organization_kind', ['customer', 'agent', 'both']);
export const userRole = pgEnum('user_role', ['admin', 'manager', 'agent', 'customer']);
export const messageDirection = pgEnum('message_direction', ['in', 'out', 'note', 'system']);
export const requestStatus = pgEnum('request_status', ['collecting_offers', 'accepted', 'completed', 'cancelled']);
export const requestOrigin = pgEnum('request_origin', ['web', 'telegram']);
export const offerStatus = pgEnum('offer_status', ['active', 'accepted', 'declined', 'withdrawn']);
export const documentSource = pgEnum('document_source', ['chat', 'onec', 'generated', 'upload']);
export const documentState = pgEnum('document_state', ['pending', 'stored', 'too_large', 'failed']);
export const outboxState = pgEnum('outbox_state', ['pending', 'sent', 'failed']);

/** A customer or an agent company; our own organization is both. */
export const organizations = pgTable('organizations', {
  id: id(),
  name: text('name').notNull(),
  kind: organizationKind('kind').notNull(),
  /** True for the one organization that runs this Hotline. */
  isOurs: boolean('is_ours').notNull().default(false),
  requisites: jsonb('requisites').$type<Record<string, string>>().notNull().default({}),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: id(),
    organizationId: bigint('organization_id', { mode: 'number' })
      .notNull()
      .references(() => organizations.id),
    role: userRole('role').notNull(),
    email: text('email'),
    passwordHash: text('password_hash'),
    telegramUserId: tgId('telegram_user_id'),
    name: text('name').notNull(),
    locale: text('locale').notNull().default('ru'),
    timeZone: text('time_zone').notNull().default('Europe/Moscow'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /** A manager's Telegram @username as last seen in the managers' group (for `/assign @username`). */
    telegramUsername: text('telegram_username'),
    /** Set while the manager is on shift (`/shift on`): new dialogs are dealt to them in turn (DIALOG_ASSIGNMENT=round_robin). */
    onShiftSince: timestamp('on_shift_since', { withTimezone: true }),
    /** When a dialog was last dealt to them by round-robin: the next goes to whoever waited longest. */
    lastDealtAt: timestamp('last_dealt_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_telegram_user_id_key').on(t.telegramUserId),
  ],
);

/** A Telegram user who writes to the hotline. */
export const clients = pgTable(
  'clients',
  {
    id: id(),
    telegramUserId: tgId('telegram_user_id').notNull().unique(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name'),
    username: text('username'),
    language: text('language'),
    blockedAt: timestamp('blocked_at', { withTimezone: true }),
    /** Set while the client is on the blocklist (`/ban`): their messages are stored, never relayed, and they get nothing. */
    bannedAt: timestamp('banned_at', { withTimezone: true }),
    /** Why a manager put the client on the blocklist (as typed after `/ban`). */
    banReason: text('ban_reason'),
    /** Where the client came from: the parameter of their first deep link (`t.me/<bot>?start=ads_autumn` → `ads_autumn`). */
    startParameter: text('start_parameter'),
    greetedAt: timestamp('greeted_at', { withTimezone: true }),
    /** Set when the client unsubscribed from broadcasts (the «Отписаться» button or `/stop`); `/start` or «Подписаться снова» clears it. */
    broadcastOptOutAt: timestamp('broadcast_opt_out_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('clients_search_trgm_idx').using('gin', sql.raw(`${clientKeys()} gin_trgm_ops`)),
    // The dashboard's sources: migration 0030 makes it INCLUDE start_parameter (drizzle cannot declare INCLUDE).
    index('clients_created_idx').on(t.createdAt),
  ],
);

/**
 * Labels on clients (issue 19.5; `/label vip`, the client page): one row per
 * client and label. `label` is normalised by core/labels `normaliseLabel` —
 * trimmed, without a leading `#`, lower-case, 1–32 letters, digits, `_`, `-` —
 * so equal labels are equal text and (client_id, label) is the key. Read by
 * the lists' label filter, the bulk sending and the export.
 */
export const clientLabels = pgTable(
  'client_labels',
  {
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    label: text('label').notNull(),
    createdAt: createdAt(),
    /** The manager who put it on; null if the account was removed. */
    createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id),
  },
  (t) => [
    primaryKey({ columns: [t.clientId, t.label] }),
    index('client_labels_label_idx').on(t.label, t.clientId),
    check('client_labels_label_form', sql`char_length(${t.label}) between 1 and 32 and ${t.label} !~ '[[:space:],#]'`),
  ],
);

/** One client's conversation: one forum topic in a managers' supergroup. */
export const dialogs = pgTable(
  'dialogs',
  {
    id: id(),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    managersChatId: tgId('managers_chat_id').notNull(),
    /** Null until the topic is created (or after it was deleted and before it is recreated). */
    topicId: integer('topic_id'),
    /** The client card: the first message of the topic. */
    clientCardMessageId: integer('client_card_message_id'),
    /**
     * `open`; `on_hold` (`/hold`, until the client writes or `/unhold`); `closed` (`/close`, a manager
     * closing the topic, or inactivity; the client's next message reopens it). Shown as core/dialogStatus.
     */
    status: text('status').notNull().default('open'),
    /** Since when the client waits for our answer (UTC): set by the client's message, cleared by ours; null when nobody waits. */
    waitingSince: timestamp('waiting_since', { withTimezone: true }),
    /**
     * The wait (its `waiting_since`) the answer-time reminder was sent for (issue 19.3, commands/answerTime):
     * one reminder per waiting episode; a new episode (we answered, then the client wrote) has another `waiting_since`.
     */
    remindedWaitingSince: timestamp('reminded_waiting_since', { withTimezone: true }),
    /** The client got the off-hours automatic answer; none again before this opening (UTC): once per off-hours period. */
    offHoursAnsweredUntil: timestamp('off_hours_answered_until', { withTimezone: true }),
    /** The title the topic was last given (core/dialogStatus `topicTitle`): a rename to the same title is skipped. */
    topicTitle: text('topic_title'),
    /** The newest request linked to this dialog; its chat receives new messages. */
    activeRequestId: bigint('active_request_id', { mode: 'number' }),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
    /**
     * A createForumTopic call for this dialog is out (or its answer was lost)
     * since then: no instance creates another until it is answered, adopted
     * from Telegram's `forum_topic_created`, or this claim runs out.
     */
    topicClaimedAt: timestamp('topic_claimed_at', { withTimezone: true }),
    /** The name the claimed topic was created with (what `forum_topic_created` will show). */
    topicClaimName: text('topic_claim_name'),
    /** The manager responsible for the dialog (`/take`, `/assign`, the first answer, or round-robin); null when nobody is. */
    ownerUserId: bigint('owner_user_id', { mode: 'number' }),
    /** Since when the owner holds it (UTC). */
    ownerSince: timestamp('owner_since', { withTimezone: true }),
    /** Until then the client's next message is also the comment of their last rating (issue 19.8); null otherwise. */
    ratingCommentUntil: timestamp('rating_comment_until', { withTimezone: true }),
    /**
     * The dialog's first answer, for the dashboard (docs/insight.md «First response»): when the client
     * first wrote (the `in` message of lowest seq) and the first thing a manager sent the client after it
     * (a topic message `out` of higher seq, or a platform post delivered to the client, whichever came
     * first), with its author (platform account, else Telegram id). Kept by the database itself in the
     * transaction that writes a message or a post (migration 0025: triggers calling
     * `dialog_first_answers_refresh`); null until there is one.
     */
    firstAskedAt: timestamp('first_asked_at', { withTimezone: true }),
    firstAnsweredAt: timestamp('first_answered_at', { withTimezone: true }),
    firstAnswerUserId: bigint('first_answer_user_id', { mode: 'number' }),
    firstAnswerTelegramId: tgId('first_answer_telegram_id'),
    /**
     * The dialog's funnel, for the dashboard (docs/insight.md «Funnel»): it has a request / one whose offer
     * was accepted / one completed / one cancelled. Kept by the database in the transaction that writes a
     * request (migration 0030: triggers calling `dialog_funnel_refresh`).
     */
    funnelRequest: boolean('funnel_request').notNull().default(false),
    funnelAccepted: boolean('funnel_accepted').notNull().default(false),
    funnelCompleted: boolean('funnel_completed').notNull().default(false),
    funnelCancelled: boolean('funnel_cancelled').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index('dialogs_owner_idx').on(t.ownerUserId),
    // The dashboard's dialog charts: migration 0030 makes it INCLUDE id, the first answer and the funnel
    // (first_*, funnel_*), so they are index-only scans (drizzle cannot declare INCLUDE).
    index('dialogs_insight_idx').on(t.createdAt),
    index('dialogs_waiting_idx').on(t.waitingSince),
    uniqueIndex('dialogs_topic_key').on(t.managersChatId, t.topicId),
    uniqueIndex('dialogs_client_key').on(t.clientId),
  ],
);

/**
 * Every topic a dialog ever had: a manager's message in any of them still
 * reaches the client (an instance may have written into a topic the dialog
 * has since moved away from).
 */
export const dialogTopics = pgTable(
  'dialog_topics',
  {
    managersChatId: tgId('managers_chat_id').notNull(),
    topicId: integer('topic_id').notNull(),
    dialogId: bigint('dialog_id', { mode: 'number' })
      .notNull()
      .references(() => dialogs.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.managersChatId, t.topicId] }), index('dialog_topics_dialog_idx').on(t.dialogId)],
);

/**
 * The health of a managers' group as the outbox saw it: a group where the
 * bot cannot post (removed, demoted, migrated) is paused as a whole — its
 * messages wait, none fails — until the bot's rights come back. Problems that
 * do not stop the group (the bot cannot read managers' messages, or cannot
 * create topics) are kept beside it, from the bot's `my_chat_member` and the
 * start-up check.
 */
export const managersChats = pgTable('managers_chats', {
  chatId: tgId('chat_id').primaryKey(),
  /** Set while the group is paused. */
  pausedAt: timestamp('paused_at', { withTimezone: true }),
  /** Telegram's answer that paused it, for people (readyz, doctor, admin page). */
  pauseReason: text('pause_reason'),
  /** The supergroup this group became (`migrate_to_chat_id`); its dialogs moved there. */
  migratedTo: tgId('migrated_to'),
  /** Since when the bot is out of the group (its `my_chat_member`: kicked/left); cleared by whoever first sees it back, who then tells managers once. */
  removedAt: timestamp('removed_at', { withTimezone: true }),
  /** Since when the bot cannot read managers' messages there (a plain member or restricted, with privacy mode on). */
  cannotReadSince: timestamp('cannot_read_since', { withTimezone: true }),
  /** Since when the bot, an administrator, lacks "Manage Topics" (new clients' topics cannot be created). */
  cannotManageTopicsSince: timestamp('cannot_manage_topics_since', { withTimezone: true }),
  updatedAt: updatedAt(),
});

/** Media of a stored message: what Telegram told us about the file. */
export interface MessageMedia {
  /** Files (photo…animation) and every other kind of content the Bot API delivers in a message (src/telegram/extract.ts). */
  kind:
    | 'photo'
    | 'document'
    | 'video'
    | 'voice'
    | 'audio'
    | 'video_note'
    | 'sticker'
    | 'animation'
    | 'location'
    | 'contact'
    | 'venue'
    | 'poll'
    | 'dice'
    | 'story'
    | 'game'
    | 'invoice'
    | 'giveaway'
    | 'giveaway_winners'
    | 'paid_media'
    | 'checklist'
    | 'other';
  fileId?: string;
  fileUniqueId?: string;
  fileName?: string;
  mimeType?: string;
  fileSize?: number;
  width?: number;
  height?: number;
  duration?: number;
  /** Location, contact and other non-file payloads. */
  extra?: Record<string, unknown>;
  /** What it is, as text (src/core/messageContent.ts): shown on the platform and where Telegram won't copy it. */
  summary?: string;
  /** Earlier files of this message, oldest first, when the sender replaced its media. */
  previous?: Array<{ fileId: string; fileUniqueId?: string; kind: string; replacedAt: string }>;
}

/** A dialog message, either direction. */
export const messages = pgTable(
  'messages',
  {
    id: id(),
    dialogId: bigint('dialog_id', { mode: 'number' })
      .notNull()
      .references(() => dialogs.id),
    /** Position in the dialog, 1, 2, 3…: the order of the conversation. */
    seq: integer('seq').notNull(),
    direction: messageDirection('direction').notNull(),
    authorUserId: bigint('author_user_id', { mode: 'number' }).references(() => users.id),
    /** Telegram user id of a manager who wrote it in the topic. */
    authorTelegramId: tgId('author_telegram_id'),
    authorName: text('author_name'),
    clientChatMessageId: integer('client_chat_message_id'),
    topicMessageId: integer('topic_message_id'),
    /** Telegram's media_group_id when the message is part of an album. */
    mediaGroupId: text('media_group_id'),
    text: text('text'),
    entities: jsonb('entities').$type<unknown[]>(),
    media: jsonb('media').$type<MessageMedia>(),
    skip: boolean('skip').notNull().default(false),
    replyToMessageId: bigint('reply_to_message_id', { mode: 'number' }),
    /** Delivery problem (client blocked the bot, …), null when fine. */
    deliveryError: text('delivery_error'),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    /** When it was written in Telegram. */
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_dialog_seq_key').on(t.dialogId, t.seq),
    uniqueIndex('messages_client_chat_key').on(t.dialogId, t.clientChatMessageId),
    // Not unique: when a group's backlog grows, consecutive client texts are mirrored as one topic message.
    index('messages_topic_idx').on(t.dialogId, t.topicMessageId),
    // The search (src/commands/search.ts): words through the stored vector (migration 0029), newest first through `messages_newest_idx`.
    index('messages_search_idx').using('gin', sql.raw(`"${SEARCH_VECTOR}"`)),
    index('messages_newest_idx').on(t.sentAt, t.id),
    // The dashboard's first answers (platform/routes/insightQueries.ts): a dialog's first client message and the
    // first answer after it, each one probe that reads what it needs from the index, not every message on the way.
    index('messages_first_in_idx').on(t.dialogId, t.seq, t.sentAt).where(sql`${t.direction} = 'in'`),
    index('messages_answers_idx').on(t.dialogId, t.seq, t.sentAt, t.authorUserId, t.authorTelegramId).where(sql`${t.direction} = 'out'`),
  ],
);

/** Ids issued in order, per year: request numbers like 2026-000123. */
export const requestNumbers = pgTable('request_numbers', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

/** A payment request (заявка). */
export const requests = pgTable(
  'requests',
  {
    id: id(),
    number: text('number').notNull().unique(),
    customerOrganizationId: bigint('customer_organization_id', { mode: 'number' })
      .notNull()
      .references(() => organizations.id),
    dialogId: bigint('dialog_id', { mode: 'number' }).references(() => dialogs.id),
    origin: requestOrigin('origin').notNull(),
    status: requestStatus('status').notNull().default('collecting_offers'),
    /** Hidden from the agents' general list (requests created from Telegram). */
    hidden: boolean('hidden').notNull().default(false),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    fundingCurrency: text('funding_currency').notNull().default('RUB'),
    beneficiary: jsonb('beneficiary').$type<Record<string, string>>().notNull(),
    beneficiaryCountry: text('beneficiary_country'),
    purpose: text('purpose').notNull(),
    documents: jsonb('documents').$type<Record<string, string>>().notNull().default({}),
    payer: jsonb('payer').$type<Record<string, string>>().notNull().default({}),
    deadline: timestamp('deadline', { withTimezone: true }),
    comment: text('comment'),
    acceptedOfferId: bigint('accepted_offer_id', { mode: 'number' }),
    /** The agent organization of the accepted offer, set by the database from `offers` (migration 0030 trigger `requests_accepted_agent`); for the dashboard. */
    acceptedAgentId: bigint('accepted_agent_id', { mode: 'number' }),
    /**
     * When the request was completed: the `at` of its `request.status` event to `completed`, set by the
     * database as that event is written (migration 0030 trigger `events_completed_added`); for the dashboard.
     */
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** The final terms once accepted: rate, fees and the computed amounts. */
    terms: jsonb('terms').$type<Record<string, string>>(),
    onecRef: text('onec_ref'),
    createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('requests_list_idx').on(t.status, t.hidden, t.createdAt),
    /** The agents' list sorted by amount (keyset on amount, id). */
    index('requests_list_amount_idx').on(t.status, t.hidden, t.amount, t.id),
    index('requests_customer_idx').on(t.customerOrganizationId, t.createdAt),
    index('requests_dialog_idx').on(t.dialogId),
    // The dashboard's request charts read only the requests created in a period: migration 0030 makes this
    // index INCLUDE status, currency, accepted_offer_id, accepted_agent_id, created_by, amount, so they are
    // index-only scans (src/platform/routes/insightQueries.ts; drizzle cannot declare INCLUDE). The dialog
    // index serves the funnel trigger (`dialog_funnel_refresh`).
    index('requests_insight_idx').on(t.createdAt),
    index('requests_insight_dialog_idx').on(t.dialogId, t.status, t.acceptedOfferId),
    // The dashboard's resolutions (migration 0030 makes it INCLUDE id, created_at, created_by).
    index('requests_completed_idx')
      .on(t.completedAt)
      .where(sql`${t.completedAt} is not null`),
    index('requests_search_idx').using('gin', sql.raw(`"${SEARCH_VECTOR}"`)),
    index('requests_newest_idx').on(t.createdAt, t.id),
    index('requests_search_trgm_idx').using('gin', sql.raw(`${requestKeys()} gin_trgm_ops`)),
    /** Search by an amount typed as a number. */
    index('requests_amount_idx').on(t.amount),
    check('requests_amount_positive', sql`${t.amount} > 0`),
  ],
);

/** An agent's offer (предложение) for a request. */
export const offers = pgTable(
  'offers',
  {
    id: id(),
    requestId: bigint('request_id', { mode: 'number' })
      .notNull()
      .references(() => requests.id),
    agentOrganizationId: bigint('agent_organization_id', { mode: 'number' })
      .notNull()
      .references(() => organizations.id),
    /** Unconstrained numeric: it keeps the places the manager typed («12,10» stays 12.10); core/terms allows at most 6. */
    rate: numeric('rate').notNull(),
    /** Unconstrained numeric like the rate: «1,50 %» stays 1.50 (issue 17); core/terms allows 0..100, at most 4 places. */
    feePercent: numeric('fee_percent').notNull(),
    fixedFee: money('fixed_fee').notNull(),
    total: money('total').notNull(),
    days: integer('days').notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    status: offerStatus('status').notNull().default('active'),
    createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('offers_request_idx').on(t.requestId), index('offers_agent_idx').on(t.agentOrganizationId)],
);

/** The request's chat: dialog messages copied into it, in dialog order, once each. */
export const requestMessages = pgTable(
  'request_messages',
  {
    requestId: bigint('request_id', { mode: 'number' })
      .notNull()
      .references(() => requests.id),
    messageId: bigint('message_id', { mode: 'number' })
      .notNull()
      .references(() => messages.id),
    /** The message's `sent_at`, copied: the chat's newest page is read from this index, not sorted from the whole dialog. */
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.messageId] }), index('request_messages_chat_idx').on(t.requestId, t.sentAt, t.messageId)],
);

/**
 * Beneficiaries an organization (and a Telegram client) paid before: the
 * request form's autocomplete. Upserted by createRequest; `key` is the name and
 * account, normalized, so one beneficiary is one row however often it is used.
 */
export const beneficiaries = pgTable(
  'beneficiaries',
  {
    id: id(),
    organizationId: bigint('organization_id', { mode: 'number' })
      .notNull()
      .references(() => organizations.id),
    /** The Telegram client whose request used it, when there was one. */
    clientId: bigint('client_id', { mode: 'number' }).references(() => clients.id),
    key: text('key').notNull(),
    name: text('name').notNull(),
    details: jsonb('details').$type<Record<string, string>>().notNull(),
    usedCount: integer('used_count').notNull().default(1),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('beneficiaries_key').on(t.organizationId, t.key),
    index('beneficiaries_recent_idx').on(t.organizationId, t.lastUsedAt),
  ],
);

/** Payers (legal entities with INN/KPP) an organization used before: autocomplete of the request form. */
export const payers = pgTable(
  'payers',
  {
    id: id(),
    organizationId: bigint('organization_id', { mode: 'number' })
      .notNull()
      .references(() => organizations.id),
    inn: text('inn').notNull(),
    kpp: text('kpp').notNull().default(''),
    name: text('name').notNull(),
    usedCount: integer('used_count').notNull().default(1),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('payers_key').on(t.organizationId, t.inn, t.kpp), index('payers_recent_idx').on(t.organizationId, t.lastUsedAt)],
);

/** A message written on the platform into a request's chat (requests without a dialog have only these). */
export const requestPosts = pgTable(
  'request_posts',
  {
    id: id(),
    requestId: bigint('request_id', { mode: 'number' })
      .notNull()
      .references(() => requests.id),
    authorUserId: bigint('author_user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    text: text('text').notNull(),
    /**
     * Where the post went besides the platform: `topic` (the client's topic,
     * marked as written on the platform), `client` (the topic and the client's
     * chat); null — the request has no dialog, the platform only.
     */
    deliveredTo: text('delivered_to').$type<'topic' | 'client'>(),
    createdAt: createdAt(),
  },
  (t) => [
    index('request_posts_chat_idx').on(t.requestId, t.createdAt, t.id),
    // The search (src/db/searchIndex.ts): newest first, and the stored word vector (migration 0031).
    index('request_posts_newest_idx').on(t.createdAt, t.id),
    index('request_posts_search_idx').using('gin', sql.raw(`"${SEARCH_VECTOR}"`)),
  ],
);

/** The pinned bot message in a topic that shows a request's terms and buttons. */
export const actionCards = pgTable('action_cards', {
  requestId: bigint('request_id', { mode: 'number' })
    .primaryKey()
    .references(() => requests.id),
  managersChatId: tgId('managers_chat_id').notNull(),
  /** The topic the card was posted in; a recreated topic gets a new card. */
  topicId: integer('topic_id'),
  messageId: integer('message_id'),
  renderedHash: text('rendered_hash'),
  pinned: boolean('pinned').notNull().default(false),
  /** «Завершить» or «Отменить» pressed once: the card asks for the confirming press. */
  confirming: text('confirming'),
  updatedAt: updatedAt(),
});

/** A file attached to a dialog or a request. */
export const documents = pgTable(
  'documents',
  {
    id: id(),
    requestId: bigint('request_id', { mode: 'number' }).references(() => requests.id),
    dialogId: bigint('dialog_id', { mode: 'number' }).references(() => dialogs.id),
    messageId: bigint('message_id', { mode: 'number' }).references(() => messages.id),
    source: documentSource('source').notNull(),
    state: documentState('state').notNull().default('pending'),
    storageKey: text('storage_key'),
    name: text('name').notNull(),
    mime: text('mime'),
    size: bigint('size', { mode: 'number' }),
    sha256: text('sha256'),
    telegramFileId: text('telegram_file_id'),
    error: text('error'),
    uploadedBy: bigint('uploaded_by', { mode: 'number' }).references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('documents_request_idx').on(t.requestId),
    index('documents_dialog_idx').on(t.dialogId),
    index('documents_search_idx').using('gin', sql.raw(`"${SEARCH_VECTOR}"`)),
    index('documents_newest_idx').on(t.createdAt, t.id),
  ],
);

/** One row of the audit log: who changed what, when, from what to what. */
export const events = pgTable(
  'events',
  {
    id: id(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: bigint('actor_user_id', { mode: 'number' }).references(() => users.id),
    /** A Telegram user acting without a platform account (a client, a manager in the topic). */
    actorTelegramId: tgId('actor_telegram_id'),
    subjectType: text('subject_type').notNull(),
    subjectId: bigint('subject_id', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [
    index('events_subject_idx').on(t.subjectType, t.subjectId, t.at),
  ],
);

/**
 * Exactly-once intake: an update id is stored in the transaction that applied
 * it, with the fingerprints of the updates applied under it (src/telegram/
 * intake.ts `updateFingerprint`; null on rows written before migration 0037),
 * which tell a redelivery from a new update that Telegram gave the same id.
 * Rows older than the redelivery window are forgotten hourly
 * (jobs/tableMaintenance `FORGET_APPLIED_UPDATES`).
 */
export const telegramUpdates = pgTable('telegram_updates', {
  updateId: bigint('update_id', { mode: 'number' }).primaryKey(),
  processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  fingerprints: text('fingerprints').array(),
});

/**
 * When the bot last answered one of our staff who wrote to it privately
 * (src/telegram/relay.ts): their private chat is no client dialog, and the
 * answer that says so is sent once per STAFF_ANSWER_INTERVAL_MS and again
 * when `kind` changes — `linked` (a platform account of ours) or `member`
 * (in a managers' group, no account linked yet). Keyed by the Telegram
 * account: a member without an account has no users row.
 */
export const staffPrivateAnswers = pgTable('staff_private_answers', {
  telegramUserId: bigint('telegram_user_id', { mode: 'number' }).primaryKey(),
  kind: text('kind').notNull(),
  answeredAt: timestamp('answered_at', { withTimezone: true }).notNull(),
});

/**
 * Where an outbox call goes and what to fill in at send time. Ids of messages
 * that are themselves still in the outbox are unknown when a command writes
 * the row, so rows name dialog messages and the sender resolves them.
 */
export interface OutboxTarget {
  /** Send into this dialog's topic (its thread id is resolved, the topic created or recreated if needed). */
  topicOfDialog?: number;
  /** Reply to this dialog message, on the side the call goes to. */
  replyToMessage?: number;
  /**
   * The author replied to a message the dialog did not know by that Telegram
   * id yet (its mirror was still on its way): found again just before sending.
   * `side` is where `telegramMessageId` lives.
   */
  replyToTelegram?: { dialogId: number; side: 'client' | 'topic'; telegramMessageId: number };
  /** Edit or pin this dialog message (its Telegram id on `side`). */
  message?: number;
  /** Copy this dialog message from the other side. */
  copyOf?: number[];
  side?: 'client' | 'topic';
}

/** What to record once Telegram answers: e.g. the Telegram ids of the mirrored messages. */
export interface OutboxLink {
  /** Dialog messages whose Telegram id on `side` is the result's message_id (or ids, in order). */
  messages?: number[];
  side?: 'client' | 'topic';
  /** The action card of this request. */
  cardOfRequest?: number;
}

/**
 * Queues of housekeeping the group's budget serves after content (jobs/telegramOutbox isHousekeeping): topic titles
 * (`title:`), answer-time reminders (`reminder:`), client cards (`card:`), the bot's reactions (`mark:`).
 */
export const HOUSEKEEPING_QUEUE_PREFIXES = ['title:', 'reminder:', 'card:', 'mark:'] as const;
/** A row's queue is housekeeping's, in SQL (the predicate of telegram_outbox_content_pending_idx, written once). */
export const HOUSEKEEPING_QUEUES_SQL = `(${HOUSEKEEPING_QUEUE_PREFIXES.map((prefix) => `queue LIKE '${prefix}%'`).join(' OR ')})`;

/** The durable outbox of Bot API calls; one chat's rows are sent in `id` order. */
export const telegramOutbox = pgTable(
  'telegram_outbox',
  {
    id: id(),
    chatId: tgId('chat_id').notNull(),
    /**
     * The unit of ordering: `dialog:<id>` for a dialog's topic, `chat:<id>`
     * otherwise. Rows of one queue are sent in `id` order, one at a time;
     * queues of one chat share that chat's Telegram limits.
     */
    queue: text('queue').notNull(),
    method: text('method').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    target: jsonb('target').$type<OutboxTarget>(),
    link: jsonb('link').$type<OutboxLink>(),
    /**
     * Rows with the same key that wait next to each other may go out in one
     * call: an album (`album:<id>`), or a client's texts while the group is
     * backlogged (`text:<dialog>`).
     */
    coalesceKey: text('coalesce_key'),
    /**
     * The head row of the call this row was merged into. Fixed at the first
     * try, so a retry sends exactly the same message again.
     */
    batchHead: bigint('batch_head', { mode: 'number' }),
    state: outboxState('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull().defaultNow(),
    /**
     * A sender holds the row until then; another instance takes it over when
     * the lease runs out, or at once when its holder is gone (leaseHolder).
     */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    /**
     * The instance (`instances.id`) that holds the lease: once its heartbeat
     * stops, another instance takes the row without waiting for `leaseUntil`
     * (src/db/instances.ts). Null: only the lease's time counts.
     */
    leaseHolder: text('lease_holder'),
    lastError: text('last_error'),
    /**
     * An earlier try may have reached Telegram without its answer coming back
     * (a timeout, a dropped connection, a crash mid-call): a message sent
     * again is marked as a possible repeat.
     */
    maybeApplied: boolean('maybe_applied').notNull().default(false),
    result: jsonb('result'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('telegram_outbox_pending_idx').on(t.queue, t.id).where(sql`${t.state} = 'pending'`),
    // The dispatch round's read of content's heads, after every drain (jobs/telegramOutbox dispatch()): without it, the
    // read walked every pending row — under a status storm, hundreds of titles waiting out their delay — to return a few.
    index('telegram_outbox_content_pending_idx')
      .on(t.queue, t.id)
      .where(sql`${t.state} = 'pending' AND NOT ${sql.raw(HOUSEKEEPING_QUEUES_SQL)}`),
  ],
);

/** Platform sessions (cookie holds the raw token; only its hash is stored). */
export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: bigint('user_id', { mode: 'number' })
    .notNull()
    .references(() => users.id),
  csrfToken: text('csrf_token').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  /** The most this session may do: 'manager' for a session opened by a bot link (an admin's too); null = the user's role. */
  roleCap: text('role_cap'),
  createdAt: createdAt(),
});

/** Signed single-use sign-in links (the `/new` link of the bot). */
export const signInLinks = pgTable('sign_in_links', {
  tokenHash: text('token_hash').primaryKey(),
  userId: bigint('user_id', { mode: 'number' }).references(() => users.id),
  telegramUserId: tgId('telegram_user_id'),
  dialogId: bigint('dialog_id', { mode: 'number' }).references(() => dialogs.id),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** Small key → value settings editable at run time (our organization, greeting, …). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updatedAt(),
});

/**
 * The running Hotline processes on this database, one row each, refreshed
 * every half second (src/db/instances.ts). A row whose heartbeat stopped is an
 * instance that is gone (killed, crashed, cut off): the outbox rows it leased
 * are taken over at once instead of after their lease.
 */
export const instances = pgTable('instances', {
  /** A random id per process start. */
  id: text('id').primaryKey(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  /** The database's clock at the last heartbeat. */
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One holder at a time per key across instances, e.g. a request's 1C jobs (src/db/exclusive.ts). */
export const exclusiveClaims = pgTable('exclusive_claims', {
  key: text('key').primaryKey(),
  /** A random id of the holder (one call of `exclusively`). */
  holder: text('holder').notNull(),
  /** The claim runs out then unless renewed: a crashed holder keeps others out this long at most. */
  until: timestamp('until', { withTimezone: true }).notNull(),
});

/**
 * A quick reply (issue 19.4): a saved answer a manager sends with `/t name`.
 * `body` is Telegram HTML of a checked subset with `{variables}`
 * (src/core/quickReply.ts); the name is unique ignoring case.
 */
export const quickReplies = pgTable(
  'quick_replies',
  {
    id: id(),
    name: text('name').notNull(),
    body: text('body').notNull(),
    /** An optional file sent with the text as its caption (a document of source `upload`, no request or dialog). */
    documentId: bigint('document_id', { mode: 'number' }).references(() => documents.id),
    createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id),
    updatedBy: bigint('updated_by', { mode: 'number' }).references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('quick_replies_name_key').on(sql`lower(${t.name})`)],
);

/**
 * The client's rating of a completed request (issue 19.8): asked once when
 * the request completes (RATING_REQUEST=on), 1–5 and an optional comment,
 * credited to the manager who owned the dialog then — or who answered the
 * client last, in a dialog nobody owned (commands/rateRequest creditedManager).
 */
export const requestRatings = pgTable(
  'request_ratings',
  {
    id: id(),
    requestId: bigint('request_id', { mode: 'number' })
      .notNull()
      .references(() => requests.id),
    dialogId: bigint('dialog_id', { mode: 'number' })
      .notNull()
      .references(() => dialogs.id),
    /** Whom the rating counts for (commands/rateRequest creditedManager): the dialog's owner when the request completed, else the manager of ours who answered last, else the request's creator; null when none. */
    ownerUserId: bigint('owner_user_id', { mode: 'number' }).references(() => users.id),
    /** 1–5, null until the client presses a button. */
    score: integer('score'),
    comment: text('comment'),
    askedAt: timestamp('asked_at', { withTimezone: true }).notNull().defaultNow(),
    ratedAt: timestamp('rated_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('request_ratings_request_key').on(t.requestId),
    index('request_ratings_owner_idx').on(t.ownerUserId),
    check('request_ratings_score_range', sql`${t.score} between 1 and 5`),
  ],
);

/**
 * A broadcast (рассылка, issue 19.5): one text sent to every client having
 * one of `labels`. `draft` until started (editable; a test send to the
 * starter's own Telegram is required first), `sending` while the feeder
 * (jobs/broadcasts) hands recipients to the outbox, `done` when every
 * recipient has an outcome, `cancelled` when stopped (recipients not yet
 * handed over stay skipped).
 */
export const broadcasts = pgTable('broadcasts', {
  id: id(),
  title: text('title').notNull(),
  /** Telegram HTML of the quick replies' subset (core/quickReply) with `{client}` / `{manager}`. */
  body: text('body').notNull(),
  /** Clients having any of these labels (client_labels.label) receive it. */
  labels: text('labels').array().notNull(),
  state: text('state').notNull().default('draft'),
  /** The body as it was when last test-sent to its sender's own Telegram; a start needs it equal to `body`. */
  testedBody: text('tested_body'),
  testedAt: timestamp('tested_at', { withTimezone: true }),
  testedBy: bigint('tested_by', { mode: 'number' }).references(() => users.id),
  /** The outbox row of the test send: a start waits for Telegram to have taken it (state `sent`). */
  testedOutboxId: bigint('tested_outbox_id', { mode: 'number' }),
  createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id),
  startedBy: bigint('started_by', { mode: 'number' }).references(() => users.id),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * One recipient of a started broadcast. `pending` until the feeder takes
 * it; then `skipped` (with `reason`: opted_out, banned, no_label) or
 * `queued` with the outbox row that carries its message — from then on that
 * row's state (pending → sent / failed, last_error) is the recipient's
 * outcome, written by the outbox in the same statement that records
 * Telegram's answer, so a restart neither loses nor repeats a send.
 */
export const broadcastRecipients = pgTable(
  'broadcast_recipients',
  {
    broadcastId: bigint('broadcast_id', { mode: 'number' })
      .notNull()
      .references(() => broadcasts.id),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    state: text('state').notNull().default('pending'),
    reason: text('reason'),
    outboxId: bigint('outbox_id', { mode: 'number' }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.broadcastId, t.clientId] }), index('broadcast_recipients_state_idx').on(t.broadcastId, t.state), index('broadcast_recipients_client_idx').on(t.clientId)],
);
