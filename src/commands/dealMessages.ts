/**
 * The deal's messages (docs/deal-messages.md): the part of a dialog that
 * belongs to one request. By default they are the dialog's messages not
 * marked skip since the previous request of the dialog — after the last
 * message copied into any other request of that dialog — or, when the
 * manager chose an earlier (or later) point on the offer form, since that
 * message. They are copied into the request's chat when it is accepted;
 * later messages join it while it is open (`feedRequestChat`). The request's
 * Documents follow its chat, so they hold the deal's files only.
 */
import type pg from 'pg';
import type { Db } from '../db/index.js';
import { mayChooseDealMessages, requestAccessForRead, type Viewer } from '../policies/access.js';
import { ForbiddenError, NotFoundError, ValidationError } from './context.js';

type Queryable = Pick<pg.Pool, 'query'>;

/** A dialog message the deal may start from, as the form lists it. */
export interface DealStartPoint {
  id: number;
  at: string;
  direction: 'in' | 'out' | 'note' | 'system';
  authorName: string | null;
  /** The text, or the file's name, cut to 80 characters; '' for a file with neither (see `mediaKind`). */
  preview: string;
  /** The kind of a message's file (`photo`, `voice`, …), null for text: the page names it in its language. */
  mediaKind: string | null;
}

export interface DealMessagesPreview {
  /** How many messages the request's chat takes now. */
  count: number;
  /** When the first and the last of them were written (ISO), null when none. */
  firstAt: string | null;
  lastAt: string | null;
  /** Where the deal starts unless the manager chooses: the first message after the previous request. */
  defaultFromMessageId: number | null;
  /** Where this preview starts (the chosen point, else the default). */
  fromMessageId: number | null;
  /** The dialog's messages (not skipped), newest first, up to 300: the points the manager may start from. */
  startPoints: DealStartPoint[];
}

/** The last position of the dialog copied into any other of its requests (0 when none): the end of the previous deal. */
async function previousDealEnd(q: Queryable, dialogId: number, requestId: number): Promise<number> {
  const result = await q.query<{ seq: number | null }>(
    `select max(m.seq) as seq from request_messages rm
       join requests r on r.id = rm.request_id
       join messages m on m.id = rm.message_id
     where r.dialog_id = $1 and r.id <> $2 and m.dialog_id = $1`,
    [dialogId, requestId],
  );
  return Number(result.rows[0]?.seq ?? 0);
}

/**
 * The dialog position the deal starts at: that of `fromMessageId` when given
 * — a ValidationError unless it is a message of this dialog — else the one
 * after the previous deal.
 */
export async function dealStartSeq(q: Queryable, dialogId: number, requestId: number, fromMessageId?: number | null): Promise<number> {
  if (fromMessageId !== undefined && fromMessageId !== null) {
    const chosen = await q.query<{ seq: number }>('select seq from messages where id = $1 and dialog_id = $2', [fromMessageId, dialogId]);
    if (!chosen.rows[0]) throw new ValidationError('Сообщение, с которого начать сделку, не из переписки с этим клиентом', 'dealFromMessageId');
    return Number(chosen.rows[0].seq);
  }
  return (await previousDealEnd(q, dialogId, requestId)) + 1;
}

/** Copies the deal's messages (from position `fromSeq`, not skipped) into the request's chat, once; returns how many were added. */
export async function copyDealMessages(q: Queryable, requestId: number, dialogId: number, fromSeq: number): Promise<number> {
  const copied = await q.query(
    `insert into request_messages (request_id, message_id, sent_at)
     select $1, id, sent_at from messages where dialog_id = $2 and skip = false and seq >= $3 order by seq
     on conflict do nothing`,
    [requestId, dialogId, fromSeq],
  );
  return copied.rowCount ?? 0;
}

function shorten(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > 80 ? `${chars.slice(0, 79).join('')}…` : chars.join('');
}

/**
 * What accepting the offer would copy into the request's chat — «N сообщений
 * будет скопировано, с … по …» on the offer form — starting from
 * `fromMessageId` (validated as on saving) or the default point. NotFoundError
 * for a request without a dialog or one the viewer does not see; ForbiddenError
 * for a viewer who may not see the dialog (`mayChooseDealMessages`).
 */
export async function previewDealMessages(db: Db, pool: Queryable, viewer: Viewer, requestId: number, fromMessageId?: number | null): Promise<DealMessagesPreview> {
  const access = await requestAccessForRead(pool, viewer, requestId);
  const dialogId = access.request.dialogId;
  if (!dialogId) throw new NotFoundError('У этой заявки нет переписки в Telegram');
  if (!(await mayChooseDealMessages(db, viewer, access))) throw new ForbiddenError('Переписку с клиентом видят только менеджеры заказчика заявки');
  const defaultSeq = await dealStartSeq(pool, dialogId, requestId);
  const fromSeq = fromMessageId === undefined || fromMessageId === null ? defaultSeq : await dealStartSeq(pool, dialogId, requestId, fromMessageId);
  const range = await pool.query<{ count: string; first_at: Date | null; last_at: Date | null; first_id: string | null }>(
    `select count(*) as count, min(sent_at) as first_at, max(sent_at) as last_at,
            (select id from messages where dialog_id = $1 and skip = false and seq >= $2 order by seq limit 1) as first_id
       from messages where dialog_id = $1 and skip = false and seq >= $2`,
    [dialogId, fromSeq],
  );
  const defaultFirst = await pool.query<{ id: string }>('select id from messages where dialog_id = $1 and skip = false and seq >= $2 order by seq limit 1', [dialogId, defaultSeq]);
  const points = await pool.query<{ id: string; sent_at: Date; direction: DealStartPoint['direction']; author_name: string | null; text: string | null; media: { kind?: string; fileName?: string } | null; first_name: string | null; last_name: string | null }>(
    `select m.id, m.sent_at, m.direction, coalesce(u.name, m.author_name) as author_name, m.text, m.media, c.first_name, c.last_name
       from messages m
       join dialogs d on d.id = m.dialog_id
       join clients c on c.id = d.client_id
       left join users u on u.id = m.author_user_id
      where m.dialog_id = $1 and m.skip = false
      order by m.seq desc limit 300`,
    [dialogId],
  );
  const row = range.rows[0]!;
  return {
    count: Number(row.count),
    firstAt: row.first_at ? new Date(row.first_at).toISOString() : null,
    lastAt: row.last_at ? new Date(row.last_at).toISOString() : null,
    defaultFromMessageId: defaultFirst.rows[0] ? Number(defaultFirst.rows[0].id) : null,
    fromMessageId: row.first_id === null ? null : Number(row.first_id),
    startPoints: points.rows.map((p) => ({
      id: Number(p.id),
      at: new Date(p.sent_at).toISOString(),
      direction: p.direction,
      authorName: p.direction === 'in' ? [p.first_name, p.last_name].filter(Boolean).join(' ') || null : p.author_name,
      preview: shorten(p.text ?? p.media?.fileName ?? ''),
      mediaKind: p.media?.kind ?? null,
    })),
  };
}
