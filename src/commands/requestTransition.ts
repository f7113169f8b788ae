/** The status machine of `core` as commands use it: a refused transition is a ValidationError a person can read. */
import { transition, type RequestAction, type RequestStatus } from '../core/requestStatus.js';
import { ValidationError } from './context.js';

export type { RequestAction, RequestStatus };

export function nextStatus(from: RequestStatus, action: RequestAction): RequestStatus {
  const result = transition(from, action);
  if (!result.ok) throw new ValidationError(result.error, 'status');
  return result.to;
}
