/**
 * `/agent/requests/:id/offers/new`: the agent's offer. The total in the
 * funding currency is computed live with the same `computeTerms` the server
 * uses, so what the agent sees before saving is what gets stored.
 *
 * On a request from a Telegram dialog saving accepts the offer at once; the
 * form then gives way to «Готово — вернитесь в Telegram». Saving again (a
 * retry, or back to the form later) is safe: the server answers with the
 * offer it already accepted.
 */
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Grid, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { computeTerms, normalizeTerms } from '../../../src/core/terms.js';
import { api, type RequestPage } from '../api.js';
import { useI18n } from '../i18n.js';
import { QueryState, StatusBadge } from '../components/common.js';
import { useFormState, useSubmit } from '../components/forms.js';
import { DealDone } from '../components/deal/DealDone.js';
import { DealMessages } from '../components/deal/DealMessages.js';
import { useMe } from '../session.js';
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

function OfferForm({ page }: { page: RequestPage }) {
  const { t, money, percent } = useI18n();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { request } = page;
  const me = useMe();
  // Back on the form of a Telegram request our offer already settled: the same offer, savable again.
  const ownAccepted =
    request.origin === 'telegram' ? page.offers.find((o) => o.id === request.acceptedOfferId && o.agentOrganizationId === me?.organizationId) : undefined;
  const { values, set } = useFormState(
    ownAccepted
      ? { rate: ownAccepted.rate, feePercent: ownAccepted.feePercent, fixedFee: ownAccepted.fixedFee, days: String(ownAccepted.days), validUntil: ownAccepted.validUntil?.slice(0, 10) ?? '' }
      : { rate: '', feePercent: '0', fixedFee: '0', days: '1', validUntil: '' },
  );
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

  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={720}>
        <Title order={2}>{t('offer.title', { number: request.number })}</Title>
        <Text>
          {t('request.amount')}: <b>{money(request.amount, request.currency)}</b> · {t('request.fundingCurrency')}: {request.fundingCurrency} · {request.beneficiaryName}
        </Text>
        {!page.viewer.canOffer && <StatusBadge status={request.status} />}
        {ownAccepted && <Alert color="teal">{t('deal.alreadyAccepted')}</Alert>}
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
            <DateField label={t('offer.validUntil')} name="validUntil" value={values.validUntil} onChange={(v) => set('validUntil', v)} error={fieldErrors.validUntil} />
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
          <Button type="submit" loading={busy} disabled={!page.viewer.canOffer && !ownAccepted}>
            {t('offer.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
