/**
 * The client card: the first message of a client's topic, and the topic's name.
 * Pure rendering to Telegram HTML; every user-typed string is escaped. The
 * words come from the bot's Fluent files (`card-*`) in the managers' language.
 */
import type { BotTextOf } from './botTextOf.js';

export interface ClientCardData {
  telegramUserId: number;
  firstName: string;
  lastName: string | null;
  username: string | null;
  language: string | null;
  firstContactAt: Date;
  /** Since when the client has blocked the bot (nothing we send reaches them), or null (commands/setClientBlocked). */
  blockedAt: Date | null;
  /** The manager responsible for the dialog (commands/dialogOwner); null when nobody is. */
  ownerName?: string | null;
  /** The dialog's status as managers read it (`🔴 ждёт нашего ответа`, core/dialogStatus), if shown. */
  statusText?: string;
  /** The deep-link parameter the client first came with (`ads_autumn`), if any. */
  startParameter?: string | null;
  /** The client's labels (core/labels: plain letters, digits, `_`, `-`), alphabetical; none shown when empty. */
  labels?: string[];
  /** The client's ratings of their completed requests (issue 19.8), 1–5, newest first. */
  ratings?: number[];
  /** The client's requests, newest first. */
  requests: Array<{ id: number; number: string; status: string }>;
  /** Base URL of the platform, for links. */
  publicUrl: string;
  /** Shown in the managers' time zone. */
  timeZone: string;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STATUSES = new Set(['collecting_offers', 'accepted', 'completed', 'cancelled']);

/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069): in a name they would reorder what follows it in a title
 * (the username, the «…»). Marks (LRM, RLM) are harmless and stay.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
/** Line breaks, tabs and other control characters, and runs of spaces: one space in a one-line title. */
const SPACES = /[\p{Cc}\s]+/gu;
/**
 * What shows nothing: spaces, control and format characters (zero-width
 * space, ZWJ…), the Hangul fillers and the Braille blank that people use for
 * «invisible» Telegram names. A name of only these is no name: Telegram trims
 * such a title to nothing (TDLib `clean_name` strips empty characters, then
 * "Title must be non-empty").
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\s\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** `text` on one line: bidi controls dropped, control characters and space runs made one space, trimmed. */
export function oneLine(text: string): string {
  return text.replace(BIDI_CONTROLS, '').replace(SPACES, ' ').trim();
}

/**
 * "Иван Петров (@ivan)": the client's name as a topic shows it, on one line
 * (`oneLine`), «Клиент <id>» when the name shows nothing. Not cut: the title
 * is fitted to Telegram's limit as a whole (core/dialogStatus `topicTitle`).
 */
export function topicName(client: Pick<ClientCardData, 'firstName' | 'lastName' | 'username' | 'telegramUserId'>): string {
  const cleaned = oneLine([client.firstName, client.lastName].filter(Boolean).join(' '));
  const name = cleaned.replace(INVISIBLE, '') ? cleaned : neutralTopicName(client);
  const username = client.username ? oneLine(client.username) : '';
  return username ? `${name} (@${username})` : name;
}

/** «Клиент 123»: the name of a topic whose client's name shows nothing, or whose title Telegram refused. */
export function neutralTopicName(client: Pick<ClientCardData, 'telegramUserId'>): string {
  return `Клиент ${client.telegramUserId}`;
}

export function formatDateTime(date: Date, timeZone: string): string {
  return dateTimeFormat(timeZone).format(date);
}

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using it (a card is rendered on every status change). */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('ru-RU', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
    dateTimeFormats.set(timeZone, format);
  }
  return format;
}

/** The ratings shown on the card at most; the average is of all of them. */
const CARD_RATINGS = 10;

/** «Оценки: 5, 4 (средняя 4,5)»: the newest scores first, the average with one decimal in the managers' language. */
function ratingsLine(ratings: number[], t: BotTextOf): string {
  const shown = ratings.slice(0, CARD_RATINGS).join(', ') + (ratings.length > CARD_RATINGS ? ', …' : '');
  const average = Math.round((ratings.reduce((sum, score) => sum + score, 0) / ratings.length) * 10) / 10;
  return t('card-ratings', { scores: shown, average });
}

/** The card's HTML; `t`: the managers' texts (commands/botTexts `textsFor(MANAGERS_LOCALE)`). */
export function renderClientCard(data: ClientCardData, t: BotTextOf): string {
  const name = [data.firstName, data.lastName].filter(Boolean).join(' ') || '—';
  const lines = [
    `👤 <b>${escape(name)}</b>${data.username ? ` (@${escape(data.username)})` : ''}`,
    `Telegram ID: <code>${data.telegramUserId}</code>`,
    t('card-language', { language: escape(data.language ?? '—') }),
    t('card-first-contact', { at: formatDateTime(data.firstContactAt, data.timeZone) }),
  ];
  if (data.statusText) lines.push(t('card-dialog-status', { status: escape(data.statusText) }));
  // Beside the status: whatever the status says, nothing we send reaches this client.
  if (data.blockedAt) lines.push(t('card-blocked', { at: formatDateTime(data.blockedAt, data.timeZone) }));
  if (data.startParameter) lines.push(t('card-source', { source: escape(data.startParameter) }));
  if (data.labels && data.labels.length > 0) lines.push(t('card-labels', { labels: escape(data.labels.join(', ')) }));
  lines.push(data.ownerName ? t('card-owner', { name: escape(data.ownerName) }) : t('card-owner-none'));
  if (data.ratings?.length) lines.push(ratingsLine(data.ratings, t));
  if (data.requests.length === 0) {
    lines.push(t('card-no-requests'));
  } else {
    lines.push(t('card-requests'));
    for (const request of data.requests.slice(0, 10)) {
      lines.push(
        t('card-request', {
          url: escape(`${data.publicUrl}/requests/${request.id}`),
          number: escape(request.number),
          status: STATUSES.has(request.status) ? t(`card-status-${request.status}`) : escape(request.status),
        }),
      );
    }
  }
  lines.push(t('card-all-requests', { url: escape(`${data.publicUrl}/dialogs?client=${data.telegramUserId}`) }));
  return lines.join('\n');
}
