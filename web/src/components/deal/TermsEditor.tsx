/**
 * «Изменить условия» on the request page of an accepted request: one control
 * per term, each sending the same edit command a manager types in the topic
 * (`POST /requests/:id/terms { command, value }`), and «Отменить последнее
 * изменение» (`undo`). The server's message appears beside the field; after a
 * change the page refetches, so the terms, the total and the timeline follow.
 */
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { api, ApiError, type RequestPage } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { DateField } from '../DateField.js';
import { termLabels, useTermsChangeText, type TermsChange } from './termsChange.js';

type Request = RequestPage['request'];

interface TermControl {
  /** The edit command, as in `/rate`. */
  command: string;
  /** The field the server names in its answers and error messages. */
  field: string;
  /** The current value as the command takes it (canonical: dot decimals, ISO dates). */
  current: (request: Request) => string;
  /** A decimal: shown with the reader's decimal mark («10000,00» in Russian); the command takes either. */
  inputMode?: 'decimal' | 'numeric';
  type?: 'date';
}

const controls: TermControl[] = [
  { command: 'rate', field: 'rate', current: (r) => r.terms?.rate ?? '', inputMode: 'decimal' },
  { command: 'amount', field: 'amount', current: (r) => r.amount, inputMode: 'decimal' },
  { command: 'fee', field: 'feePercent', current: (r) => r.terms?.feePercent ?? '', inputMode: 'decimal' },
  { command: 'fixed', field: 'fixedFee', current: (r) => r.terms?.fixedFee ?? '', inputMode: 'decimal' },
  { command: 'days', field: 'days', current: (r) => r.terms?.days ?? '', inputMode: 'numeric' },
  { command: 'purpose', field: 'purpose', current: (r) => r.purpose },
  { command: 'deadline', field: 'deadline', current: (r) => (r.deadline ? r.deadline.slice(0, 10) : ''), type: 'date' },
  { command: 'beneficiary', field: 'beneficiaryName', current: (r) => r.beneficiary.name },
];

/** A canonical decimal as the reader writes it: the decimal comma in Russian, places kept («10000.00» → «10000,00»). */
const decimalForEditing = (value: string, locale: 'ru' | 'en') => (locale === 'ru' ? value.replace('.', ',') : value);

export function TermsEditor({ request }: { request: Request }) {
  const { t, locale } = useI18n();
  const client = useQueryClient();
  const describe = useTermsChangeText(request.currency, request.fundingCurrency);
  const [saved, setSaved] = useState<string | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: ['request', String(request.id)] });
  const onChanged = (change: TermsChange) => {
    setSaved(describe(change));
    void refresh();
  };
  const undo = useMutation({
    mutationFn: () => api<TermsChange>(`/requests/${request.id}/terms`, { method: 'POST', body: { command: 'undo', value: '' } }),
    onMutate: () => setSaved(null),
    onSuccess: onChanged,
  });

  return (
    <Paper withBorder p="md" data-testid="terms-editor">
      <Title order={4}>{t('terms.edit')}</Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('terms.editHint')}
      </Text>
      <Stack gap="xs">
        {controls.map((control) => {
          const raw = control.current(request);
          const current = control.inputMode === 'decimal' ? decimalForEditing(raw, locale) : raw;
          // Keyed by the current value: a change (here or from Telegram) starts the control afresh.
          return <TermRow key={`${control.command}:${current}`} requestId={request.id} control={control} current={current} onChanged={onChanged} onEdit={() => setSaved(null)} />;
        })}
      </Stack>
      <Group mt="md">
        <Button variant="default" loading={undo.isPending} onClick={() => undo.mutate()}>
          {t('terms.undo')}
        </Button>
      </Group>
      {undo.error && (
        <Alert color="red" mt="sm" data-testid="terms-undo-error">
          {errorText(undo.error, t('error.network'))}
        </Alert>
      )}
      {saved && (
        <Text c="teal" size="sm" mt="sm" data-testid="terms-saved">
          {t('terms.saved', { change: saved })}
        </Text>
      )}
    </Paper>
  );
}

function TermRow({ requestId, control, current, onChanged, onEdit }: { requestId: number; control: TermControl; current: string; onChanged: (change: TermsChange) => void; onEdit: () => void }) {
  const { t } = useI18n();
  const [value, setValue] = useState(current);
  const change = useMutation({
    mutationFn: () => api<TermsChange>(`/requests/${requestId}/terms`, { method: 'POST', body: { command: control.command, value } }),
    onMutate: onEdit,
    onSuccess: onChanged,
  });
  const edit = (next: string) => {
    setValue(next);
    // The refusal was about the value sent; a changed value is not yet judged.
    if (change.isError) change.reset();
  };
  const error = change.error ? (change.error instanceof ApiError ? (change.error.fields[control.field] ?? errorText(change.error, t('error.network'))) : String(change.error)) : null;
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate();
      }}
    >
      <Group align="flex-start" wrap="nowrap" gap="xs">
        {control.type === 'date' ? (
          // ДД.ММ.ГГГГ in Russian whatever the browser's language (DateField); the command takes the ISO date, and what is
          // no date (31.02.2026) as typed, so that it is refused beside the field instead of the old date staying unsaid.
          <DateField keepTyped style={{ flex: 1 }} size="sm" label={t(termLabels[control.field]!)} name={`terms-${control.command}`} value={value} onChange={edit} error={error} />
        ) : (
          <TextInput
            style={{ flex: 1 }}
            size="sm"
            label={t(termLabels[control.field]!)}
            name={`terms-${control.command}`}
            inputMode={control.inputMode}
            value={value}
            onChange={(e) => edit(e.currentTarget.value)}
            error={error}
          />
        )}
        <Button type="submit" size="sm" mt={25} variant="light" loading={change.isPending} disabled={value.trim() === current} data-testid={`terms-apply-${control.command}`}>
          {t('terms.apply')}
        </Button>
      </Group>
    </form>
  );
}

function errorText(error: unknown, networkText: string): string {
  if (error instanceof ApiError) return error.status === 0 ? networkText : error.message;
  return String((error as Error).message);
}
