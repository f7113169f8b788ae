import { describe, expect, it } from 'vitest';
import {
  availableActions,
  canEditTerms,
  isFinalStatus,
  isRequestStatus,
  REQUEST_ACTIONS,
  REQUEST_STATUSES,
  REQUEST_STATUS_LABELS_EN,
  REQUEST_STATUS_LABELS_RU,
  requestStatusLabel,
  transition,
  transitionOrThrow,
  type RequestAction,
  type RequestStatus,
} from './requestStatus.js';

describe('request status machine', () => {
  it.each([
    ['collecting_offers', 'accept', 'accepted'],
    ['collecting_offers', 'cancel', 'cancelled'],
    ['accepted', 'complete', 'completed'],
    ['accepted', 'cancel', 'cancelled'],
    ['accepted', 'reopen', 'collecting_offers'],
  ] as const)('%s —%s→ %s', (from, action, to) => {
    expect(transition(from, action)).toEqual({ ok: true, to });
  });

  it.each([
    ['collecting_offers', 'complete', 'Заявка ещё собирает предложения — завершить можно только принятую заявку'],
    ['collecting_offers', 'reopen', 'Заявка и так собирает предложения'],
    ['accepted', 'accept', 'Заявка уже принята — принять её ещё раз нельзя'],
    ['completed', 'accept', 'Заявка уже завершена — принять предложение нельзя'],
    ['completed', 'complete', 'Заявка уже завершена'],
    ['completed', 'cancel', 'Заявка уже завершена — отменить её нельзя'],
    ['completed', 'reopen', 'Заявка уже завершена — вернуть её в сбор предложений нельзя'],
    ['cancelled', 'accept', 'Заявка уже отменена — принять предложение нельзя'],
    ['cancelled', 'complete', 'Заявка уже отменена — завершить её нельзя'],
    ['cancelled', 'cancel', 'Заявка уже отменена'],
    ['cancelled', 'reopen', 'Заявка уже отменена — вернуть её в сбор предложений нельзя'],
  ] as const)('%s —%s→ refused: «%s»', (from, action, error) => {
    const result = transition(from, action);
    expect(result).toMatchObject({ ok: false, error });
    if (!result.ok) expect(result.errorEn).toMatch(/^The request /);
  });

  it('lets nothing leave completed or cancelled', () => {
    for (const from of ['completed', 'cancelled'] as const) {
      for (const action of REQUEST_ACTIONS) expect(transition(from, action).ok).toBe(false);
      expect(availableActions(from)).toEqual([]);
      expect(isFinalStatus(from)).toBe(true);
    }
  });

  it('lists the actions allowed now (for the action card buttons)', () => {
    expect(availableActions('collecting_offers')).toEqual(['accept', 'cancel']);
    expect(availableActions('accepted')).toEqual(['complete', 'cancel', 'reopen']);
  });

  it('refuses unknown statuses and actions from outside without throwing', () => {
    expect(transition('archived' as RequestStatus, 'accept')).toMatchObject({ ok: false, error: 'Неизвестный статус заявки: archived' });
    expect(transition('accepted', 'delete' as RequestAction)).toMatchObject({ ok: false, error: 'Неизвестное действие с заявкой: delete' });
    expect(isRequestStatus('accepted')).toBe(true);
    expect(isRequestStatus('toString')).toBe(false);
  });

  it('transitionOrThrow throws the Russian reason', () => {
    expect(transitionOrThrow('accepted', 'complete')).toBe('completed');
    expect(() => transitionOrThrow('cancelled', 'complete')).toThrow('Заявка уже отменена — завершить её нельзя');
  });

  it('terms can be edited only on an accepted request', () => {
    expect(REQUEST_STATUSES.filter(canEditTerms)).toEqual(['accepted']);
  });

  it('has a label for every status in both languages', () => {
    expect(REQUEST_STATUS_LABELS_RU).toEqual({
      collecting_offers: 'Сбор предложений',
      accepted: 'Принята',
      completed: 'Завершена',
      cancelled: 'Отменена',
    });
    for (const status of REQUEST_STATUSES) expect(REQUEST_STATUS_LABELS_EN[status]).toBeTruthy();
    expect(requestStatusLabel('completed', 'en')).toBe('Completed');
  });
});
