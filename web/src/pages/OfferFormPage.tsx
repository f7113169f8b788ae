/**
 * `/agent/requests/:id/offers/new`: the agent's offer. The total in the
 * funding currency is computed live with the same `computeTerms` the server
 * uses, so what the agent sees before saving is what gets stored.
 *
 * On a request from a Telegram dialog saving accepts the offer at once; the
 * form then gives way to «Готово — вернитесь в Telegram». Back on the form of
 * a request that no longer collects offers (accepted, completed, cancelled),
 * there is nothing to send: the page says so, shows the deal's current terms
 * as the reader writes numbers (not the stored «12.10 / 1.50 / 0.00») and
 * leads to the request page, where the terms are changed (issue 17). A
 * retried POST is still safe: the server answers with the accepted offer.
 */
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Grid, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { computeTerms, normalizeTerms } from '../../../src/core/terms.js';
import { api, type RequestPage } from '../api.js';
import { useI18n } from '../i18n.js';
import { QueryState, StatusBadge } from '../components/common.js';
import { useFormState, useSubmit } from '../components/forms.js';
import { DealDone } from '../components/deal/DealDone.js';
import { TermsTable } from '../components/deal/TermsTable.js';
import { DealMessages } from '../components/deal/DealMessages.js';
import { DateField } from '../components/DateField.js';

interface SavedOffer {
  id: number;
  total: string;
  autoAccepted: boolean;
  telegramTopicUrl: string | null;
}

export default function OfferFormPage() {
  const { id } = useParams();
  const page = useQuery({ queryKey: ['request', id], queryFn: () => api<RequestPage>(`/requests/${id}`) });
  return <QueryState query={page}>{() => <OfferForm page={page.data!} />}</QueryState>;
}

/** The offer page of a request that no longer collects offers: its status, its terms, the way to the request. */
function OfferClosed({ page }: { page: RequestPage }) {
  const { t } = useI18n();
  const { request } = page;
  return (
    <Stack maw={720} data-testid="offer-closed">
      <Title order={2}>{t('offer.title', { number: request.number })}</Title>
      <Group>
        <StatusBadge status={request.status} />
      </Group>
      {request.status !== 'cancelled' && <Alert color="teal">{t('deal.alreadyAccepted')}</Alert>}
      {request.terms && page.viewer.isCustomer && (
        <Paper withBorder p="md">
          <TermsTable terms={{ fundingCurrency: request.fundingCurrency, ...request.terms }} />
        </Paper>
      )}
      <Group>
        <Button component={Link} to={`/requests/${request.id}`} variant="light">
          {t('deal.openRequest')}
        </Button>
      </Group>
    </Stack>
  );
}

function OfferForm({ page }: { page: RequestPage }) {
  const { t, money, percent } = useI18n();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { request } = page;
  const { values, set } = useFormState({ rate: '', feePercent: '0', fixedFee: '0', days: '1', validUntil: '' });
  const [done, setDone] = useState<SavedOffer | null>(null);
  // A request from a dialog, before its offer is saved: which messages its chat takes (null = since the previous request).
  const choosesDeal = request.origin === 'telegram' && request.status === 'collecting_offers' && page.viewer.isCustomer;
  const [dealFrom, setDealFrom] = useState<number | null>(null);

  const preview = useMemo(() => {
    const normalized = normalizeTerms({ amount: request.amount, rate: values.rate, feePercent: values.feePercent, fixedFee: values.fixedFee, days: values.days });
    return normalized.ok ? computeTerms(normalized.input) : null;
  }, [request.amount, values]);

  const { submit, fieldErrors, error, busy } = useSubmit(
    () => api<SavedOffer>(`/requests/${request.id}/offers`, { method: 'POST', body: { ...values, validUntil: values.validUntil || null, ...(choosesDeal && dealFrom ? { dealFromMessageId: dealFrom } : {}) } }),
    (saved) => {
      void client.invalidateQueries({ queryKey: ['request', String(request.id)] });
      if (saved.autoAccepted) setDone(saved);
      else void navigate(`/requests/${request.id}`);
    },
    values,
  );

  if (done) return <DealDone requestId={request.id} total={done.total} fundingCurrency={request.fundingCurrency} telegramTopicUrl={done.telegramTopicUrl} />;
  if (request.status !== 'collecting_offers') return <OfferClosed page={page} />;

  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={720}>
        <Title order={2}>{t('offer.title', { number: request.number })}</Title>
        <Text>
          {t('request.amount')}: <b>{money(request.amount, request.currency)}</b> · {t('request.fundingCurrency')}: {request.fundingCurrency} · {request.beneficiaryName}
        </Text>
        {!page.viewer.canOffer && <StatusBadge status={request.status} />}
        {choosesDeal && <DealMessages requestId={request.id} fromMessageId={dealFrom} onChange={setDealFrom} error={fieldErrors.dealFromMessageId} />}
        {error && (
          <Alert color="red" data-testid="form-error">
            {error}
          </Alert>
        )}
        <Grid>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label={`${t('offer.rate')}, ${request.fundingCurrency}/${request.currency}`} name="rate" inputMode="decimal" required value={values.rate} onChange={(e) => set('rate', e.currentTarget.value)} error={fieldErrors.rate} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label={t('offer.feePercent')} name="feePercent" inputMode="decimal" value={values.feePercent} onChange={(e) => set('feePercent', e.currentTarget.value)} error={fieldErrors.feePercent} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label={`${t('offer.fixedFee')}, ${request.fundingCurrency}`} name="fixedFee" inputMode="decimal" value={values.fixedFee} onChange={(e) => set('fixedFee', e.currentTarget.value)} error={fieldErrors.fixedFee} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label={t('offer.days')} name="days" inputMode="numeric" value={values.days} onChange={(e) => set('days', e.currentTarget.value)} error={fieldErrors.days} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <DateField keepTyped label={t('offer.validUntil')} name="validUntil" value={values.validUntil} onChange={(v) => set('validUntil', v)} error={fieldErrors.validUntil} />
          </Grid.Col>
        </Grid>
        <Paper withBorder p="md">
          <Table>
            <Table.Tbody>
              <Table.Tr>
                <Table.Td>{t('offer.base')}</Table.Td>
                <Table.Td ta="right">{preview ? money(preview.base, request.fundingCurrency) : '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>
                  {t('offer.fee')} {preview ? `(${percent(preview.feePercent)} %)` : ''}
                </Table.Td>
                <Table.Td ta="right">{preview ? money(preview.fee, request.fundingCurrency) : '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>{t('offer.fixedFee')}</Table.Td>
                <Table.Td ta="right">{preview ? money(preview.fixedFee, request.fundingCurrency) : '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>
                  <b>{t('offer.total')}</b>
                </Table.Td>
                <Table.Td ta="right" data-testid="offer-total">
                  <b>{preview ? money(preview.total, request.fundingCurrency) : '—'}</b>
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Paper>
        <Group>
          <Button type="submit" loading={busy} disabled={!page.viewer.canOffer}>
            {t('offer.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
