/** Form helpers: values in one state object, server field messages shown beside their fields. */
import { useCallback, useState } from 'react';
import { ApiError } from '../api.js';
import { useI18n } from '../i18n.js';

export function useFormState<T extends Record<string, unknown>>(initial: T) {
  const [values, setValues] = useState<T>(initial);
  const set = useCallback(<K extends keyof T>(key: K, value: T[K]) => setValues((v) => ({ ...v, [key]: value })), []);
  return { values, setValues, set };
}

/** Submits, collecting `{ field: message }` from a 400 answer and a general error for the rest. */
export function useSubmit<R>(action: () => Promise<R>, onSuccess: (result: R) => void) {
  const { t } = useI18n();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event?: React.FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      onSuccess(await action());
    } catch (e) {
      if (e instanceof ApiError) {
        setFieldErrors(e.fields);
        setError(e.status === 0 ? t('error.network') : e.message);
      } else {
        setError(String((e as Error).message));
      }
    } finally {
      setBusy(false);
    }
  };
  return { submit, fieldErrors, error, busy, setFieldErrors };
}
