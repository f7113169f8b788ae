/**
 * The sandbox page's words: Russian by default, English when the app's
 * language switch says so. Kept here so the platform's dictionary stays the
 * platform's.
 */
import { useI18n } from '../i18n.js';

const ru = {
  title: 'Песочница Telegram',
  clientSide: 'Клиенты',
  managerSide: 'Менеджеры',
  addClient: 'Добавить клиента',
  firstName: 'Имя и фамилия',
  lastName: 'Фамилия',
  username: 'Имя пользователя',
  language: 'Язык',
  create: 'Создать',
  cancel: 'Отмена',
  noClient: 'Выберите клиента слева',
  noTopic: 'Выберите тему: она появится, когда клиент напишет боту',
  noTopics: 'Тем пока нет',
  noMessages: 'Сообщений пока нет. Напишите боту.',
  message: 'Сообщение',
  send: 'Отправить',
  attach: 'Прикрепить файлы',
  replyTo: 'Ответ на',
  editing: 'Изменение',
  edit: 'Изменить',
  reply: 'Ответить',
  edited: 'изменено',
  block: 'Заблокировать бота',
  unblock: 'Разблокировать бота',
  blocked: 'Вы заблокировали бота',
  pinned: 'Закреплённое сообщение',
  typing: 'печатает…',
  topicCreated: 'Тема «{name}» создана',
  pinnedService: '{name} закрепил(а) сообщение',
  service: 'Служебное сообщение',
  forwarded: 'Переслано от {name}',
  photo: 'Фото',
  voice: 'Голосовое сообщение',
  file: 'Файл',
  location: 'Геопозиция',
  botAnswered: 'Бот ответил',
  noAnswer: 'Бот не ответил на нажатие',
  asManager: 'Вы пишете как {name}',
  asClient: 'Вы пишете как {name}',
  noManagersGroup: 'Группа «Менеджеры» не найдена',
  closed: 'закрыта',
  messageCount: 'сообщений: {n}',
  members: 'форум',
} as const;

export type SandboxStringKey = keyof typeof ru;

const en: Record<SandboxStringKey, string> = {
  title: 'Telegram sandbox',
  clientSide: 'Clients',
  managerSide: 'Managers',
  addClient: 'Add a client',
  firstName: 'Name',
  lastName: 'Last name',
  username: 'Username',
  language: 'Language',
  create: 'Create',
  cancel: 'Cancel',
  noClient: 'Pick a client on the left',
  noTopic: 'Pick a topic: one appears when a client writes to the bot',
  noTopics: 'No topics yet',
  noMessages: 'No messages yet. Write to the bot.',
  message: 'Message',
  send: 'Send',
  attach: 'Attach files',
  replyTo: 'Reply to',
  editing: 'Editing',
  edit: 'Edit',
  reply: 'Reply',
  edited: 'edited',
  block: 'Block the bot',
  unblock: 'Unblock the bot',
  blocked: 'You blocked the bot',
  pinned: 'Pinned message',
  typing: 'typing…',
  topicCreated: 'Topic «{name}» created',
  pinnedService: '{name} pinned a message',
  service: 'Service message',
  forwarded: 'Forwarded from {name}',
  photo: 'Photo',
  voice: 'Voice message',
  file: 'File',
  location: 'Location',
  botAnswered: 'The bot answered',
  noAnswer: 'The bot did not answer the press',
  asManager: 'You write as {name}',
  asClient: 'You write as {name}',
  noManagersGroup: 'The «Менеджеры» group is missing',
  closed: 'closed',
  messageCount: '{n} messages',
  members: 'forum',
};

export type Translate = (key: SandboxStringKey, vars?: Record<string, string | number>) => string;

export function useSandboxStrings(): { t: Translate; locale: 'ru' | 'en' } {
  const { locale } = useI18n();
  const dict: Record<SandboxStringKey, string> = locale === 'en' ? en : ru;
  const t: Translate = (key, vars) => {
    let text = dict[key];
    if (vars) for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  };
  return { t, locale };
}
