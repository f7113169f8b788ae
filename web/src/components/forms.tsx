/** Form helpers: values in one state object, server field messages shown beside their fields. */
import { useCallback, useMemo, useState } from 'react';
import { ApiError } from '../api.js';
import { useI18n } from '../i18n.js';

export function useFormState<T extends Record<string, unknown>>(initial: T) {
  const [values, setValues] = useState<T>(initial);
  const set = useCallback(<K extends keyof T>(key: K, value: T[K]) => setValues((v) => ({ ...v, [key]: value })), []);
  return { values, setValues, set };
}

/**
 * The form value a server field message is about: `amount` → `amount`,
 * `beneficiary.swift` → `swift`, `beneficiary.name` → `beneficiaryName`
 * (the forms keep nested fields flat); undefined when no value matches.
 */
export function valueKeyOf(field: string, values: Record<string, unknown>): string | undefined {
  if (field in values) return field;
  const dot = field.lastIndexOf('.');
  if (dot < 0) return undefined;
  const head = field.slice(0, dot).split('.').pop()!;
  const tail = field.slice(dot + 1);
  if (tail in values) return tail;
  const joined = head + tail.charAt(0).toUpperCase() + tail.slice(1);
  return joined in values ? joined : undefined;
}

/**
 * Submits, collecting `{ field: message }` from a 400 answer and a general error for the rest.
 * Given the form's `values`, a field's message goes away as soon as that field is changed
 * (it would otherwise stay red until the next submit); it is the server's verdict on the
 * value that was sent, not on the one being typed. `related` names values a field's
 * verdict also depends on (`{ 'beneficiary.cnaps': ['currency'] }`: CNAPS is required
 * only for yuan). The banner of a form refusal does not repeat one field's message
 * (it would keep saying it after that field is fixed): it counts the fields left to
 * fix («Проверьте поля формы — осталось исправить: 7»), follows the fixes and goes
 * with the last field message.
 */
export function useSubmit<R>(action: () => Promise<R>, onSuccess: (result: R) => void, values?: Record<string, unknown>, related: Record<string, string[]> = {}) {
  const { t } = useI18n();
  const [rawFieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [sent, setSent] = useState<Record<string, unknown> | undefined>(undefined);
  const fieldErrors = useMemo(() => {
    if (!values || !sent) return rawFieldErrors;
    return Object.fromEntries(
      Object.entries(rawFieldErrors).filter(([field]) => {
        const keys = [valueKeyOf(field, values), ...(related[field] ?? [])].filter((key): key is string => key !== undefined);
        return keys.length === 0 || keys.every((key) => Object.is(values[key], sent[key]));
      }),
    );
  }, [rawFieldErrors, values, sent]);
  const [rawError, setError] = useState<string | null>(null);
  const fieldsRefused = Object.keys(rawFieldErrors).length > 0;
  const fieldsLeft = Object.keys(fieldErrors).length;
  const error = !fieldsRefused || rawError === null ? rawError : fieldsLeft === 0 ? null : t('form.fieldsLeft', { count: fieldsLeft });
  const [busy, setBusy] = useState(false);
  const submit = async (event?: React.FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    setSent(values);
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
