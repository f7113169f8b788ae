/**
 * The client card: the first message of a client's topic, and the topic's name.
 * Pure rendering to Telegram HTML; every user-typed string is escaped.
 */

export interface ClientCardData {
  telegramUserId: number;
  firstName: string;
  lastName: string | null;
  username: string | null;
  language: string | null;
  firstContactAt: Date;
  blocked: boolean;
  /** The manager responsible for the dialog (commands/dialogOwner); null when nobody is. */
  ownerName?: string | null;
  /** The deep-link parameter the client first came with (`ads_autumn`), if any. */
  startParameter?: string | null;
  /** The client's requests, newest first. */
  requests: Array<{ id: number; number: string; status: string }>;
  /** Base URL of the platform, for links. */
  publicUrl: string;
  /** Shown in the managers' time zone. */
  timeZone: string;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STATUS_RU: Record<string, string> = {
  collecting_offers: 'сбор предложений',
  accepted: 'принята',
  completed: 'завершена',
  cancelled: 'отменена',
};

/** "Иван Петров (@ivan)", cut to Telegram's 128-character topic name limit. */
export function topicName(client: Pick<ClientCardData, 'firstName' | 'lastName' | 'username' | 'telegramUserId'>): string {
  const name = [client.firstName, client.lastName].filter(Boolean).join(' ').trim() || `Клиент ${client.telegramUserId}`;
  const full = client.username ? `${name} (@${client.username})` : name;
  return Array.from(full).slice(0, 128).join('');
}

export function formatDateTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('ru-RU', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}

export function renderClientCard(data: ClientCardData): string {
  const name = [data.firstName, data.lastName].filter(Boolean).join(' ') || '—';
  const lines = [
    `👤 <b>${escape(name)}</b>${data.username ? ` (@${escape(data.username)})` : ''}`,
    `Telegram ID: <code>${data.telegramUserId}</code>`,
    `Язык: ${escape(data.language ?? '—')}`,
    `Первое обращение: ${formatDateTime(data.firstContactAt, data.timeZone)}`,
  ];
  if (data.startParameter) lines.push(`Источник: <code>${escape(data.startParameter)}</code>`);
  lines.push(data.ownerName ? `Ответственный: ${escape(data.ownerName)}` : 'Ответственный: нет — взять: /take');
  if (data.blocked) lines.push('⛔️ Клиент заблокировал бота');
  if (data.requests.length === 0) {
    lines.push('Заявок пока нет. Создать: /new');
  } else {
    lines.push('Заявки:');
    for (const request of data.requests.slice(0, 10)) {
      lines.push(
        `• <a href="${escape(`${data.publicUrl}/requests/${request.id}`)}">№ ${escape(request.number)}</a> — ${STATUS_RU[request.status] ?? escape(request.status)}`,
      );
    }
  }
  lines.push(`<a href="${escape(`${data.publicUrl}/dialogs?client=${data.telegramUserId}`)}">Все заявки клиента на платформе</a>`);
  return lines.join('\n');
}
