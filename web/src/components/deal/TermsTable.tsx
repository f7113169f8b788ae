/**
 * The deal's terms (an accepted request's `terms`) as the reader writes
 * numbers: «12,10», «1,50 %», «1 243 875,00 ₽» in Russian. Shown on the
 * request page and on the offer form once its offer is accepted.
 */
import { Table } from '@mantine/core';
import { useI18n } from '../../i18n.js';

/** A label and its value as a table row; nothing when the value is empty. */
export function Row({ label, value }: { label: string; value: React.ReactNode }) {
  if (value === '' || value === undefined || value === null) return null;
  return (
    <Table.Tr>
      <Table.Td c="dimmed" w="35%">
        {label}
      </Table.Td>
      <Table.Td>{value}</Table.Td>
    </Table.Tr>
  );
}

export function TermsTable({ terms }: { terms: Record<string, string> }) {
  const { t, money, rate, percent } = useI18n();
  const funding = terms.fundingCurrency ?? 'RUB';
  return (
    <Table>
      <Table.Tbody>
        <Row label={t('offer.rate')} value={terms.rate && rate(terms.rate)} />
        <Row label={t('offer.base')} value={terms.base && money(terms.base, funding)} />
        <Row label={t('offer.feePercent')} value={terms.feePercent && `${percent(terms.feePercent)} %`} />
        <Row label={t('offer.fee')} value={terms.fee && money(terms.fee, funding)} />
        <Row label={t('offer.fixedFee')} value={terms.fixedFee && money(terms.fixedFee, funding)} />
        <Row label={t('offer.days')} value={terms.days} />
        <Row label={t('offer.total')} value={terms.total && <b data-testid="terms-total">{money(terms.total, funding)}</b>} />
      </Table.Tbody>
    </Table>
  );
}
