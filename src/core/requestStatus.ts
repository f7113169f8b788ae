/**
 * The request (заявка) status machine — the only one. Every command that
 * changes a request's status asks `transition` first:
 *
 *   collecting_offers ──accept──▶ accepted ──complete──▶ completed
 *          │                        │  ▲
 *          └────────cancel──────────┤  └─reopen (from accepted only)
 *                                   ▼
 *                               cancelled
 *
 * Nothing leaves `completed` or `cancelled`. `reopen` takes an accepted
 * request back to collecting offers (the accepted offer fell through); the
 * caller is responsible for clearing the accepted offer.
 *
 * @example
 * const next = transition('cancelled', 'complete');
 * if (!next.ok) reply(next.error); // «Заявка уже отменена — завершить её нельзя»
 */

export const REQUEST_STATUSES = ['collecting_offers', 'accepted', 'completed', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const REQUEST_ACTIONS = ['accept', 'complete', 'cancel', 'reopen'] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

export const REQUEST_STATUS_LABELS_RU: Record<RequestStatus, string> = {
  collecting_offers: 'Сбор предложений',
  accepted: 'Принята',
  completed: 'Завершена',
  cancelled: 'Отменена',
};

export const REQUEST_STATUS_LABELS_EN: Record<RequestStatus, string> = {
  collecting_offers: 'Collecting offers',
  accepted: 'Accepted',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export function requestStatusLabel(status: RequestStatus, locale: 'ru' | 'en'): string {
  return (locale === 'ru' ? REQUEST_STATUS_LABELS_RU : REQUEST_STATUS_LABELS_EN)[status];
}

export function isRequestStatus(value: unknown): value is RequestStatus {
  return typeof value === 'string' && (REQUEST_STATUSES as readonly string[]).includes(value);
}

export function isRequestAction(value: unknown): value is RequestAction {
  return typeof value === 'string' && (REQUEST_ACTIONS as readonly string[]).includes(value);
}

export type TransitionResult =
  | { ok: true; to: RequestStatus }
  | { ok: false; /** Russian, says why. */ error: string; /** The same in English. */ errorEn: string };

type Rule = { to: RequestStatus } | { ru: string; en: string };

const RULES: Record<RequestStatus, Record<RequestAction, Rule>> = {
  collecting_offers: {
    accept: { to: 'accepted' },
    complete: {
      ru: 'Заявка ещё собирает предложения — завершить можно только принятую заявку',
      en: 'The request is still collecting offers — only an accepted request can be completed',
    },
    cancel: { to: 'cancelled' },
    reopen: { ru: 'Заявка и так собирает предложения', en: 'The request is already collecting offers' },
  },
  accepted: {
    accept: { ru: 'Заявка уже принята — принять её ещё раз нельзя', en: 'The request is already accepted' },
    complete: { to: 'completed' },
    cancel: { to: 'cancelled' },
    reopen: { to: 'collecting_offers' },
  },
  completed: {
    accept: { ru: 'Заявка уже завершена — принять предложение нельзя', en: 'The request is already completed — no offer can be accepted' },
    complete: { ru: 'Заявка уже завершена', en: 'The request is already completed' },
    cancel: { ru: 'Заявка уже завершена — отменить её нельзя', en: 'The request is already completed — it cannot be cancelled' },
    reopen: { ru: 'Заявка уже завершена — вернуть её в сбор предложений нельзя', en: 'The request is already completed — it cannot be reopened' },
  },
  cancelled: {
    accept: { ru: 'Заявка уже отменена — принять предложение нельзя', en: 'The request is already cancelled — no offer can be accepted' },
    complete: { ru: 'Заявка уже отменена — завершить её нельзя', en: 'The request is already cancelled — it cannot be completed' },
    cancel: { ru: 'Заявка уже отменена', en: 'The request is already cancelled' },
    reopen: { ru: 'Заявка уже отменена — вернуть её в сбор предложений нельзя', en: 'The request is already cancelled — it cannot be reopened' },
  },
};

/** Where `action` takes a request in status `from`, or why it cannot. Never throws. */
export function transition(from: RequestStatus, action: RequestAction): TransitionResult {
  if (!isRequestStatus(from)) {
    return { ok: false, error: `Неизвестный статус заявки: ${String(from)}`, errorEn: `Unknown request status: ${String(from)}` };
  }
  if (!isRequestAction(action)) {
    return { ok: false, error: `Неизвестное действие с заявкой: ${String(action)}`, errorEn: `Unknown request action: ${String(action)}` };
  }
  const rule = RULES[from][action];
  return 'to' in rule ? { ok: true, to: rule.to } : { ok: false, error: rule.ru, errorEn: rule.en };
}

/** `transition` for code that prefers exceptions: the Error's message is the Russian reason. */
export function transitionOrThrow(from: RequestStatus, action: RequestAction): RequestStatus {
  const result = transition(from, action);
  if (!result.ok) throw new Error(result.error);
  return result.to;
}

/** Actions that are allowed now, e.g. to decide which buttons an action card shows. */
export function availableActions(status: RequestStatus): RequestAction[] {
  return REQUEST_ACTIONS.filter((action) => transition(status, action).ok);
}

/** Completed and cancelled requests never change status again. */
export function isFinalStatus(status: RequestStatus): boolean {
  return status === 'completed' || status === 'cancelled';
}

/** Terms (rate, amount, fee…) can be edited only while the request is accepted and not yet finished. */
export function canEditTerms(status: RequestStatus): boolean {
  return status === 'accepted';
}
