/**
 * The documents Hotline generates itself when 1C does not (`ONEC_MODE=off`):
 * the payment order to the agent (поручение агенту) and the invoice (счёт на
 * оплату), as PDF with Cyrillic text (pdfmake's bundled Roboto). A few pages
 * each, so they are built in memory.
 *
 * Our organization's requisites are read from `organizations.requisites`
 * (the admin page edits them, src/core/requisites.ts lists the keys):
 * `fullName` (else the organization's name), `inn`, `kpp`, `ogrn`, `address`,
 * `bank`, `bic`, `account`, `corrAccount`, `director` (by the signature).
 */
import path from 'node:path';
import { formatDateRu, isoDatesToRu } from '../core/dates.js';
import { formatDecimal, formatMoney, formatPercent, formatTypedDecimal } from '../core/money.js';

type PdfMake = typeof import('pdfmake').default;
let loaded: Promise<PdfMake> | undefined;

/** pdfmake with its fonts (about 30 MB resident) loads with the first document, not with every start. */
function pdfmake(): Promise<PdfMake> {
  return (loaded ??= (async () => {
    const [{ default: maker }, { default: roboto }] = await Promise.all([import('pdfmake'), import('pdfmake/fonts/Roboto.js')]);
    const fontDir = path.dirname(roboto.Roboto!.normal);
    maker.setFonts(roboto);
    // Only the bundled fonts may be read from disk, and nothing from the network.
    maker.setLocalAccessPolicy((file) => path.resolve(file).startsWith(fontDir));
    maker.setUrlAccessPolicy(() => false);
    return maker;
  })());
}

export interface DealDocumentData {
  number: string;
  date: Date;
  amount: string;
  currency: string;
  fundingCurrency: string;
  purpose: string;
  beneficiary: Record<string, string>;
  payer: Record<string, string>;
  contract: Record<string, string>;
  /** The accepted terms: rate, feePercent, fixedFee, base, fee, total, days. */
  terms: Record<string, string>;
  agent: { name: string; requisites: Record<string, string> };
}

const dash = (value: string | undefined | null) => (value && value.trim() ? value : '—');
/** A document's own date: its day in Moscow, ДД.ММ.ГГГГ. */
const ruDate = (date: Date) => formatDateRu(date, 'Europe/Moscow');
/** A stored ISO date (contract, invoice) as ДД.ММ.ГГГГ, «—» when absent. */
const docDate = (value: string | undefined | null) => (value && value.trim() ? formatDateRu(value) : '—');
const rows = (pairs: Array<[string, string]>) => ({
  table: { widths: [170, '*'], body: pairs.map(([k, v]) => [{ text: k, color: '#555' }, v]) },
  layout: 'lightHorizontalLines',
  margin: [0, 4, 0, 12],
});

function agentBlock(data: DealDocumentData): Array<[string, string]> {
  const r = data.agent.requisites;
  return [
    ['Агент', dash(r.fullName || data.agent.name)],
    ['ИНН / КПП', `${dash(r.inn)} / ${dash(r.kpp)}`],
    ['ОГРН', dash(r.ogrn)],
    ['Адрес', dash(r.address)],
    ['Банк', `${dash(r.bank)}, БИК ${dash(r.bic)}`],
    ['Р/с, к/с', `${dash(r.account)}, ${dash(r.corrAccount)}`],
  ];
}

/** The agent's signature line: the director's name after it when known. */
const signature = (label: string, data: DealDocumentData) => {
  const director = data.agent.requisites.director?.trim();
  return `${label} ____________________${director ? ` / ${director} /` : ''}`;
};

/** Поручение агенту: the payer instructs the agent to pay the beneficiary on the accepted terms. */
export async function agentOrderPdf(data: DealDocumentData): Promise<Buffer> {
  const t = data.terms;
  const contract = data.contract;
  return (await pdfmake())
    .createPdf({
      info: { title: `Поручение агенту № ${data.number}` },
      defaultStyle: { font: 'Roboto', fontSize: 10 },
      content: [
        { text: `Поручение агенту № ${data.number} от ${ruDate(data.date)}`, fontSize: 15, bold: true, margin: [0, 0, 0, 12] },
        rows(agentBlock(data)),
        rows([
          ['Принципал (плательщик)', dash(data.payer.name)],
          ['ИНН / КПП', `${dash(data.payer.inn)} / ${dash(data.payer.kpp)}`],
        ]),
        { text: 'Принципал поручает Агенту перевести денежные средства получателю:', margin: [0, 0, 0, 4] },
        rows([
          ['Получатель', dash(data.beneficiary.name)],
          ['Страна', dash(data.beneficiary.country)],
          ['Банк получателя', `${dash(data.beneficiary.bankName)}, SWIFT ${dash(data.beneficiary.swift)}`],
          ['Счёт получателя', dash(data.beneficiary.account)],
          ['Назначение платежа', dash(isoDatesToRu(data.purpose))],
          ['Контракт', `№ ${dash(contract.contractNumber)} от ${docDate(contract.contractDate)}`],
          ['Инвойс', `№ ${dash(contract.invoiceNumber)} от ${docDate(contract.invoiceDate)}`],
          ['Сумма перевода', formatMoney(data.amount, data.currency, 'ru')],
          ['Курс', formatTypedDecimal(t.rate ?? '0', 'ru', 6)],
          ['Сумма по курсу', formatMoney(t.base ?? '0', data.fundingCurrency, 'ru')],
          ['Вознаграждение агента', `${formatPercent(t.feePercent ?? '0', 'ru')} % = ${formatMoney(t.fee ?? '0', data.fundingCurrency, 'ru')}`],
          ['Фиксированная комиссия', formatMoney(t.fixedFee ?? '0', data.fundingCurrency, 'ru')],
          ['Итого к оплате', formatMoney(t.total ?? '0', data.fundingCurrency, 'ru')],
          ['Срок исполнения', `${dash(t.days)} раб. дн.`],
        ]),
        { columns: [{ text: 'Принципал ____________________' }, { text: signature('Агент', data) }], margin: [0, 30, 0, 0] },
      ],
    })
    .getBuffer();
}

/** Счёт на оплату: the agent bills the payer the total of the accepted terms. */
export async function invoicePdf(data: DealDocumentData): Promise<Buffer> {
  const t = data.terms;
  const total = formatMoney(t.total ?? '0', data.fundingCurrency, 'ru');
  return (await pdfmake())
    .createPdf({
      info: { title: `Счёт на оплату № ${data.number}` },
      defaultStyle: { font: 'Roboto', fontSize: 10 },
      content: [
        { text: `Счёт на оплату № ${data.number} от ${ruDate(data.date)}`, fontSize: 15, bold: true, margin: [0, 0, 0, 12] },
        rows(agentBlock(data)),
        rows([
          ['Плательщик', dash(data.payer.name)],
          ['ИНН / КПП', `${dash(data.payer.inn)} / ${dash(data.payer.kpp)}`],
        ]),
        {
          table: {
            headerRows: 1,
            widths: ['*', 110],
            body: [
              [{ text: 'Наименование', bold: true }, { text: 'Сумма', bold: true, alignment: 'right' }],
              [`Перевод ${formatMoney(data.amount, data.currency, 'ru')} получателю ${dash(data.beneficiary.name)} по курсу ${formatDecimal(t.rate ?? '0', 'ru', 6)}`, { text: formatMoney(t.base ?? '0', data.fundingCurrency, 'ru'), alignment: 'right' }],
              ['Агентское вознаграждение', { text: formatMoney(t.fee ?? '0', data.fundingCurrency, 'ru'), alignment: 'right' }],
              ['Фиксированная комиссия', { text: formatMoney(t.fixedFee ?? '0', data.fundingCurrency, 'ru'), alignment: 'right' }],
              [{ text: 'Итого к оплате', bold: true }, { text: total, bold: true, alignment: 'right' }],
            ],
          },
          margin: [0, 4, 0, 12],
        },
        { text: `Назначение платежа: оплата по поручению агенту № ${data.number}. Без НДС.` },
        { text: signature('Руководитель', data), margin: [0, 30, 0, 0] },
      ],
    })
    .getBuffer();
}
