/**
 * `/new`: the request form. Prepared lists (currencies most used first,
 * countries by name, purpose templates) and autocomplete of the
 * organization's known beneficiaries and payers; choosing one fills the
 * details. The server checks every field and its messages appear beside them.
 */
import { useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Alert, Autocomplete, Button, Divider, Grid, Group, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { api, query, serverText } from '../api.js';
import { messageCode } from '../../../src/core/messageCodes.js';
import { useI18n } from '../i18n.js';
import { useFormState, useSubmit } from '../components/forms.js';
import { fillPurposeTemplate, purposeGapsMessage } from '../../../src/core/purpose.js';
import { optionWithOfficialName, rankingFilter, type ReferenceOption as Option } from '../components/referenceOptions.js';
import { nothingMatches, SearchSelect } from '../components/pickers.js';
import { DialogClient } from '../components/DialogClient.js';
import { DateField } from '../components/DateField.js';
interface KnownBeneficiary {
  id: number;
  name: string;
  details: Record<string, string>;
}
interface KnownPayer {
  id: number;
  name: string;
  inn: string;
  kpp: string;
}

const empty = {
  amount: '',
  currency: 'CNY',
  fundingCurrency: 'RUB',
  beneficiaryName: '',
  country: '',
  address: '',
  bankName: '',
  swift: '',
  account: '',
  cnaps: '',
  purpose: '',
  contractNumber: '',
  contractDate: '',
  invoiceNumber: '',
  invoiceDate: '',
  payerName: '',
  inn: '',
  kpp: '',
  deadline: '',
  comment: '',
};

/**
 * Fields whose verdict also follows another value: CNAPS is required only for a payment in yuan (changing the
 * currency answers its message too); КПП only for an organization's 10-digit ИНН (a sole proprietor's 12 has none).
 */
const FIELDS_FOLLOWING = { 'beneficiary.cnaps': ['currency'], 'payer.kpp': ['inn'] };

export default function NewRequestPage() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  // From the bot's link: the request belongs to that dialog, and the manager goes on to the offer.
  const [params] = useSearchParams();
  const dialogId = Number(params.get('dialog')) || undefined;
  const { values, set, setValues } = useFormState(empty);
  const currencies = useQuery({ queryKey: ['currencies', locale], queryFn: () => api<Option[]>(`/reference/currencies${query({ locale })}`), staleTime: Infinity });
  const countries = useQuery({ queryKey: ['countries', locale], queryFn: () => api<Option[]>(`/reference/countries${query({ locale })}`), staleTime: Infinity });
  const purposes = useQuery({ queryKey: ['purposes', locale], queryFn: () => api<string[]>(`/reference/purposes${query({ locale })}`), staleTime: Infinity });
  const [beneficiaryQuery] = useDebouncedValue(values.beneficiaryName, 150);
  const [payerQuery] = useDebouncedValue(values.payerName, 150);
  const knownBeneficiaries = useQuery({
    queryKey: ['beneficiaries', beneficiaryQuery, dialogId],
    queryFn: () => api<KnownBeneficiary[]>(`/reference/beneficiaries${query({ q: beneficiaryQuery, dialogId })}`),
  });
  const knownPayers = useQuery({ queryKey: ['payers', payerQuery], queryFn: () => api<KnownPayer[]>(`/reference/payers${query({ q: payerQuery })}`) });
  // The payer already stored under the typed INN and KPP: a request saved with another name keeps its own, and the
  // stored one stays as it is — said beside the name, so nobody expects the saved payer to be renamed.
  const [innQuery] = useDebouncedValue(values.inn.replace(/\D/g, ''), 150);
  const payerOfInn = useQuery({
    queryKey: ['payers', innQuery],
    queryFn: () => api<KnownPayer[]>(`/reference/payers${query({ q: innQuery })}`),
    enabled: innQuery.length === 10 || innQuery.length === 12,
  });
  const storedPayer = payerOfInn.data?.find((p) => p.inn === innQuery && p.kpp === values.kpp.replace(/\s/g, ''));
  const storedNameDiffers = storedPayer && values.payerName.trim() && storedPayer.name !== values.payerName.trim() ? storedPayer.name : undefined;

  const currencyOptions = useMemo(() => (currencies.data ?? []).map((c) => ({ value: c.code, label: `${c.code} — ${c.name}` })), [currencies.data]);
  const countryOptions = useMemo(() => (countries.data ?? []).map((c) => ({ value: c.code, label: c.name })), [countries.data]);
  const currencySearch = useMemo(() => rankingFilter(currencies.data ?? []), [currencies.data]);
  const countrySearch = useMemo(() => rankingFilter(countries.data ?? []), [countries.data]);
  const countryOption = useMemo(() => optionWithOfficialName(countries.data ?? []), [countries.data]);

  const { submit, fieldErrors, error, busy } = useSubmit(
    () =>
      api<{ id: number; number: string }>('/requests', {
        method: 'POST',
        body: {
          amount: values.amount,
          currency: values.currency ?? '',
          fundingCurrency: values.fundingCurrency ?? 'RUB',
          beneficiary: {
            name: values.beneficiaryName,
            country: values.country ?? '',
            address: values.address,
            bankName: values.bankName,
            swift: values.swift,
            account: values.account,
            cnaps: values.cnaps,
          },
          purpose: values.purpose,
          documents: { contractNumber: values.contractNumber, contractDate: values.contractDate, invoiceNumber: values.invoiceNumber, invoiceDate: values.invoiceDate },
          payer: { name: values.payerName, inn: values.inn, kpp: values.kpp },
          deadline: values.deadline || null,
          comment: values.comment || null,
          dialogId,
        },
      }),
    (created) => void navigate(dialogId ? `/agent/requests/${created.id}/offers/new` : `/requests/${created.id}`),
    values,
    FIELDS_FOLLOWING,
  );
  const e = (field: string) => fieldErrors[field];

  const chooseBeneficiary = (name: string) => {
    const known = knownBeneficiaries.data?.find((b) => b.name === name);
    if (!known) return;
    const d = known.details;
    setValues((v) => ({
      ...v,
      beneficiaryName: known.name,
      country: d.country ?? v.country,
      address: d.address ?? '',
      bankName: d.bankName ?? '',
      swift: d.swift ?? '',
      account: d.account ?? '',
      cnaps: d.cnaps ?? '',
    }));
  };
  // Autocomplete reports a chosen option through onChange with its label: «name · INN» fills the payer.
  const isKnownPayer = (label: string) => Boolean(knownPayers.data?.some((p) => payerLabel(p) === label));
  const choosePayer = (label: string) => {
    const known = knownPayers.data?.find((p) => payerLabel(p) === label);
    if (known) setValues((v) => ({ ...v, payerName: known.name, inn: known.inn, kpp: known.kpp }));
  };
  // Dates go in as ДД.ММ.ГГГГ; what is not filled yet shows as «…», and the field says what is missing.
  const fillPurpose = (template: string) =>
    fillPurposeTemplate(template, { contract: values.contractNumber, date: values.contractDate, invoice: values.invoiceNumber, invoiceDate: values.invoiceDate }).replace(
      /\{\w+\}/g,
      '…',
    );
  const holes = values.purpose ? purposeGapsMessage(values.purpose) : undefined;
  // The same sentence the server would refuse with, in the UI's language.
  const purposeHoles = holes ? serverText(holes, messageCode(holes)) : undefined;

  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={900}>
        <Title order={2}>{t('request.newTitle')}</Title>
        {dialogId && <DialogClient dialogId={dialogId} />}
        {error && (
          <Alert color="red" data-testid="form-error">
            {error}
          </Alert>
        )}
        <Grid>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label={t('request.amount')} name="amount" inputMode="decimal" required value={values.amount} onChange={(ev) => set('amount', ev.currentTarget.value)} error={e('amount')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <SearchSelect label={t('request.currency')} name="currency" data={currencyOptions} filter={currencySearch} value={values.currency} onChange={(v) => set('currency', v ?? '')} error={e('currency')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <SearchSelect label={t('request.fundingCurrency')} name="fundingCurrency" data={currencyOptions} filter={currencySearch} value={values.fundingCurrency} onChange={(v) => set('fundingCurrency', v ?? 'RUB')} error={e('fundingCurrency')} />
          </Grid.Col>
        </Grid>

        <Divider label={t('request.beneficiary')} labelPosition="left" />
        <Grid>
          <Grid.Col span={{ base: 12, sm: 8 }}>
            <Autocomplete
              label={t('request.beneficiary.name')}
              description={
                !knownBeneficiaries.isFetching && nothingMatches(values.beneficiaryName, (knownBeneficiaries.data ?? []).map((b) => b.name))
                  ? t('request.beneficiary.nothingFound')
                  : t('request.beneficiary.knownHint')
              }
              name="beneficiaryName"
              required
              data={(knownBeneficiaries.data ?? []).map((b) => b.name)}
              value={values.beneficiaryName}
              onChange={(v) => set('beneficiaryName', v)}
              onOptionSubmit={chooseBeneficiary}
              error={e('beneficiary.name')}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <SearchSelect label={t('request.beneficiary.country')} name="country" required data={countryOptions} filter={countrySearch} renderOption={countryOption} value={values.country || null} onChange={(v) => set('country', v ?? '')} error={e('beneficiary.country')} />
          </Grid.Col>
          <Grid.Col span={12}>
            <TextInput label={t('request.beneficiary.address')} name="address" value={values.address} onChange={(ev) => set('address', ev.currentTarget.value)} error={e('beneficiary.address')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label={t('request.beneficiary.bankName')} name="bankName" value={values.bankName} onChange={(ev) => set('bankName', ev.currentTarget.value)} error={e('beneficiary.bankName')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label={t('request.beneficiary.swift')} name="swift" required value={values.swift} onChange={(ev) => set('swift', ev.currentTarget.value)} error={e('beneficiary.swift')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label={t('request.beneficiary.account')} name="account" required value={values.account} onChange={(ev) => set('account', ev.currentTarget.value)} error={e('beneficiary.account')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label={t('request.beneficiary.cnaps')} name="cnaps" required={values.currency === 'CNY'} value={values.cnaps} onChange={(ev) => set('cnaps', ev.currentTarget.value)} error={e('beneficiary.cnaps')} />
          </Grid.Col>
        </Grid>

        <Divider label={t('request.contract')} labelPosition="left" />
        <Grid>
          <Grid.Col span={{ base: 12, sm: 3 }}>
            <TextInput label={t('request.contractNumber')} name="contractNumber" value={values.contractNumber} onChange={(ev) => set('contractNumber', ev.currentTarget.value)} error={e('documents.contractNumber')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 3 }}>
            <DateField keepTyped label={t('request.contractDate')} name="contractDate" value={values.contractDate} onChange={(v) => set('contractDate', v)} error={e('documents.contractDate')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 3 }}>
            <TextInput label={t('request.invoiceNumber')} name="invoiceNumber" value={values.invoiceNumber} onChange={(ev) => set('invoiceNumber', ev.currentTarget.value)} error={e('documents.invoiceNumber')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 3 }}>
            <DateField keepTyped label={t('request.invoiceDate')} name="invoiceDate" value={values.invoiceDate} onChange={(v) => set('invoiceDate', v)} error={e('documents.invoiceDate')} />
          </Grid.Col>
          <Grid.Col span={12}>
            <Autocomplete
              label={t('request.purpose')}
              description={purposes.data && nothingMatches(values.purpose, purposes.data) && !purposes.data.some((p) => values.purpose.startsWith(p.split('{')[0]!)) ? t('request.purpose.nothingFound') : t('request.purposeHint')}
              name="purpose"
              required
              data={purposes.data ?? []}
              value={values.purpose}
              onChange={(v) => {
                if ((purposes.data ?? []).includes(v)) v = fillPurpose(v);
                set('purpose', v);
              }}
              error={purposeHoles ?? e('purpose')}
            />
          </Grid.Col>
        </Grid>

        <Divider label={t('request.payer')} labelPosition="left" />
        <Grid>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <Autocomplete
              label={t('request.payer.name')}
              description={
                storedNameDiffers
                  ? t('request.payer.storedNameDiffers', { name: storedNameDiffers })
                  : !knownPayers.isFetching && nothingMatches(values.payerName, (knownPayers.data ?? []).map(payerLabel))
                    ? t('request.payer.nothingFound')
                    : undefined
              }
              name="payerName"
              required
              data={(knownPayers.data ?? []).map(payerLabel)}
              value={values.payerName}
              onChange={(v) => (isKnownPayer(v) ? choosePayer(v) : set('payerName', v))}
              error={e('payer.name')}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 6, sm: 3 }}>
            <TextInput label={t('request.payer.inn')} name="inn" required inputMode="numeric" value={values.inn} onChange={(ev) => set('inn', ev.currentTarget.value)} error={e('payer.inn')} />
          </Grid.Col>
          <Grid.Col span={{ base: 6, sm: 3 }}>
            {/* An organization (a 10-digit ИНН) must give its КПП, a sole proprietor (12 digits) has none: the asterisk follows the ИНН (core/requisites). */}
            <TextInput label={t('request.payer.kpp')} name="kpp" withAsterisk={/^\d{10}$/.test(values.inn.replace(/\s/g, ''))} value={values.kpp} onChange={(ev) => set('kpp', ev.currentTarget.value)} error={e('payer.kpp')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <DateField keepTyped label={t('request.deadline')} name="deadline" value={values.deadline} onChange={(v) => set('deadline', v)} error={e('deadline')} />
          </Grid.Col>
          <Grid.Col span={12}>
            <Textarea label={t('request.comment')} name="comment" autosize minRows={2} value={values.comment} onChange={(ev) => set('comment', ev.currentTarget.value)} error={e('comment')} />
          </Grid.Col>
        </Grid>
        <Group>
          <Button type="submit" loading={busy}>
            {t('request.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Payers are told apart by INN: «ООО Ромашка · 7707083893». */
function payerLabel(p: KnownPayer): string {
  return `${p.name} · ${p.inn}`;
}
