import { describe, expect, it } from 'vitest';
import { PDFParse } from 'pdf-parse';
import { agentOrderPdf, invoicePdf, type DealDocumentData } from './pdf.js';

const data: DealDocumentData = {
  number: 'H-000042',
  date: new Date('2026-11-25T10:00:00Z'),
  amount: '100000.00',
  currency: 'CNY',
  fundingCurrency: 'RUB',
  // Stored dates are ISO; a purpose saved before issue 17.2 may carry one too.
  purpose: 'Оплата по контракту № 7 от 2026-10-01 за оборудование',
  beneficiary: { name: 'Shenzhen Trading Co', country: 'CN', bankName: 'Bank of China', swift: 'BKCHCNBJ', account: '123456789' },
  payer: { name: 'ООО «Ромашка»', inn: '7707083893', kpp: '773601001' },
  contract: { contractNumber: '7', contractDate: '2026-10-01', invoiceNumber: 'INV-3', invoiceDate: '2026-10-15' },
  terms: { rate: '12.10', feePercent: '1.0000', fixedFee: '500.00', base: '1225000.00', fee: '12250.00', total: '1237750.00', days: '2' },
  agent: { name: 'ООО «Платёжный агент»', requisites: { inn: '7728168971', kpp: '772801001', bank: 'АО «Банк»', bic: '044525225' } },
};

const text = async (pdf: Buffer) => (await new PDFParse({ data: new Uint8Array(pdf) }).getText()).text.replace(/[\u00a0\u202f]/g, ' ');

describe('generated PDFs', () => {
  it('the order to the agent names both sides and carries the amounts', async () => {
    const pdf = await agentOrderPdf(data);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const content = await text(pdf);
    expect(content).toContain('Поручение агенту № H-000042 от 25.11.2026');
    expect(content).toContain('ООО «Ромашка»');
    expect(content).toContain('ООО «Платёжный агент»');
    expect(content).toContain('Shenzhen Trading Co');
    // Every date a Russian reader sees is ДД.ММ.ГГГГ (issue 17.2).
    expect(content).toContain('№ 7 от 01.10.2026');
    expect(content).toContain('№ INV-3 от 15.10.2026');
    expect(content).toContain('Оплата по контракту № 7 от 01.10.2026 за оборудование');
    expect(content).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(content).toContain('100 000,00 ¥'); // the yuan's sign as a Russian reader knows it (issue 17.17)
    expect(content).toContain('12,10');
    expect(content).toContain('1 237 750,00 ₽');
  });

  it('the invoice bills the total', async () => {
    const content = await text(await invoicePdf(data));
    expect(content).toContain('Счёт на оплату № H-000042');
    expect(content).toContain('12 250,00 ₽');
    expect(content).toContain('1 237 750,00 ₽');
    expect(content).toContain('7728168971');
  });
});
