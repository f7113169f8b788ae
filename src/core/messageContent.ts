/**
 * Any message content as plain text in Russian: what it is and what it
 * holds ("📊 Викторина: …", "🎲 Кубик: 4", "📍 Место: …"). The platform shows
 * it for content that is not text or a file, and the bot posts it into a
 * topic when Telegram refuses to copy the original.
 *
 * Input is the stored media (kind + the Bot API object in `extra`), so the
 * shapes are the Bot API's: Poll, Dice, Venue, Location, Contact, Story,
 * Game, Invoice, Giveaway, PaidMediaInfo, Checklist.
 */

/** The stored media fields this needs (see MessageMedia in src/db/schema.ts). */
export interface ContentMedia {
  kind: string;
  fileName?: string;
  extra?: Record<string, unknown>;
}

const FILE_TITLES: Record<string, string> = {
  photo: '🖼 Фото',
  document: '📄 Файл',
  video: '🎬 Видео',
  voice: '🎤 Голосовое сообщение',
  audio: '🎵 Аудио',
  video_note: '⏺ Видеосообщение',
  sticker: '🏷 Стикер',
  animation: '🎞 GIF',
};

const str = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));

/** An amount in the smallest units of a currency ("12345", exp 2) as "123.45" — integers only, no float. */
export function minorUnits(total: unknown, exp = 2): string {
  const digits = String(Math.trunc(Number(total) || 0));
  const negative = digits.startsWith('-');
  const abs = (negative ? digits.slice(1) : digits).padStart(exp + 1, '0');
  const whole = exp > 0 ? `${abs.slice(0, -exp)}.${abs.slice(-exp)}` : abs;
  return negative ? `-${whole}` : whole;
}

/** Currencies whose smallest unit is the unit itself (Telegram's currencies.json `exp` 0). */
const ZERO_EXP = new Set(['JPY', 'KRW', 'CLP', 'ISK', 'VND', 'XTR', 'UGX', 'PYG']);

function coordinates(location: unknown): string {
  const l = (location ?? {}) as { latitude?: number; longitude?: number };
  return `${str(l.latitude)}, ${str(l.longitude)}`;
}

function personName(p: Record<string, unknown>): string {
  return [str(p.first_name), str(p.last_name)].filter(Boolean).join(' ');
}

/**
 * The content as text, or undefined for a plain text message. For files it
 * names the kind and the file name (the file itself is on the platform).
 */
export function describeContent(media: ContentMedia | undefined | null): string | undefined {
  if (!media) return undefined;
  const x = media.extra ?? {};
  const file = FILE_TITLES[media.kind];
  if (file) {
    const emoji = media.kind === 'sticker' && x.emoji ? ` ${str(x.emoji)}` : '';
    return `${file}${emoji}${media.fileName ? `: ${media.fileName}` : ''}`;
  }
  switch (media.kind) {
    case 'poll': {
      const quiz = x.type === 'quiz';
      const correct = new Set<number>(
        Array.isArray(x.correct_option_ids) ? (x.correct_option_ids as number[]) : typeof x.correct_option_id === 'number' ? [x.correct_option_id] : [],
      );
      const options = Array.isArray(x.options) ? (x.options as Array<{ text?: string }>) : [];
      const lines = [`📊 ${quiz ? 'Викторина' : 'Опрос'}: ${str(x.question)}`];
      options.forEach((option, i) => lines.push(`${i + 1}. ${str(option.text)}${correct.has(i) ? ' ✅' : ''}`));
      if (quiz && correct.size === 0) lines.push('(правильный ответ Telegram боту не показывает)');
      if (x.explanation) lines.push(`Пояснение: ${str(x.explanation)}`);
      return lines.join('\n');
    }
    case 'dice':
      return `${str(x.emoji) || '🎲'} Бросок: ${str(x.value)}`;
    case 'venue': {
      const lines = [`📍 Место: ${str(x.title)}`, `Адрес: ${str(x.address)}`, `Координаты: ${coordinates(x.location)}`];
      return lines.join('\n');
    }
    case 'location':
      return `📍 Геопозиция: ${coordinates(x)}${x.live_period ? ' (трансляция)' : ''}`;
    case 'contact': {
      const lines = [`👤 Контакт: ${personName(x)}`, `Телефон: ${str(x.phone_number)}`];
      return lines.join('\n');
    }
    case 'story': {
      const chat = (x.chat ?? {}) as Record<string, unknown>;
      const from = chat.username ? `@${str(chat.username)}` : str(chat.title) || personName(chat);
      return `📖 История${from ? ` от ${from}` : ''}${chat.username && x.id ? `: https://t.me/${str(chat.username)}/s/${str(x.id)}` : ''}`;
    }
    case 'game':
      return [`🎮 Игра: ${str(x.title)}`, str(x.description)].filter(Boolean).join('\n');
    case 'invoice': {
      const currency = str(x.currency);
      return [`🧾 Счёт: ${str(x.title)}`, str(x.description), `Сумма: ${minorUnits(x.total_amount, ZERO_EXP.has(currency) ? 0 : 2)} ${currency}`]
        .filter(Boolean)
        .join('\n');
    }
    case 'giveaway':
      return `🎁 Розыгрыш: призов ${str(x.winner_count)}`;
    case 'giveaway_winners':
      return `🏆 Итоги розыгрыша: победителей ${str(x.winner_count)}`;
    case 'paid_media': {
      const count = Array.isArray(x.paid_media) ? x.paid_media.length : 0;
      return `💰 Платный контент: ${count} шт., ${str(x.star_count)} ⭐️`;
    }
    case 'checklist': {
      const tasks = Array.isArray(x.tasks) ? (x.tasks as Array<{ text?: string; completion_date?: number }>) : [];
      return [`☑️ Список: ${str(x.title)}`, ...tasks.map((t) => `${t.completion_date ? '✅' : '▫️'} ${str(t.text)}`)].join('\n');
    }
    case 'other':
      return `❔ Сообщение вида «${str(x.field)}»: Hotline пока не умеет его показать`;
    default:
      return `❔ Сообщение вида «${media.kind}»: Hotline пока не умеет его показать`;
  }
}
