/**
 * The date_time entity (Bot API § "Formatting options": `<tg-time unix="…"
 * format="…">` in HTML, `![…](tg://time?unix=…&format=…)` in MarkdownV2):
 * a Unix time shown in the reader's time zone, with an optional format that is
 * `r` (relative) or any of `w`, then `d`/`D`, then `t`/`T`.
 */
import type { MessageEntity } from '@grammyjs/types';
import type { ApiError } from './errors.js';

const FORMAT = /^(r|w?[dD]?[tT]?)$/;

export function dateTimeEntity(
  offset: number,
  length: number,
  unix: string | null | undefined,
  format: string | null | undefined,
  fail: (reason: string) => ApiError,
): MessageEntity {
  if (!unix || !/^\d{1,12}$/.test(unix)) throw fail('Date-time entity must have a valid unix time');
  if (format && !FORMAT.test(format)) throw fail('Date-time entity has invalid format');
  const entity = { type: 'date_time', offset, length, unix_time: Number(unix) } as MessageEntity.DateTimeMessageEntity;
  if (format) entity.date_time_format = format as MessageEntity.DateTimeMessageEntity['date_time_format'];
  return entity;
}
