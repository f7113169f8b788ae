/**
 * `ONEC_MODE=off`: «Документы 1С» makes the two documents in Hotline itself
 * (src/documents/pdf.ts) from the request's terms and our organization's
 * requisites, stores them (source `generated`) and sends them into the topic.
 */
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { CommandContext } from '../../commands/context.js';
import type { OneCDocumentsJob } from '../../commands/requestOneCDocuments.js';
import { recordRequestDocuments } from '../../commands/recordRequestDocuments.js';
import { organizations, requests } from '../../db/schema.js';
import { agentOrderPdf, invoicePdf, type DealDocumentData } from '../../documents/pdf.js';
import type { Storage } from '../../documents/storage.js';

export async function generateDealDocuments(ctx: CommandContext, storage: Storage, job: OneCDocumentsJob): Promise<void> {
  const db = ctx.database.db;
  const [request] = await db.select().from(requests).where(eq(requests.id, job.requestId));
  if (!request?.terms) return;
  const [ours] = await db.select().from(organizations).where(eq(organizations.isOurs, true));
  const data: DealDocumentData = {
    number: request.number,
    date: new Date(),
    amount: request.amount,
    currency: request.currency,
    fundingCurrency: request.fundingCurrency,
    purpose: request.purpose,
    beneficiary: request.beneficiary,
    payer: request.payer,
    contract: request.documents,
    terms: request.terms,
    agent: { name: ours?.name ?? '', requisites: ours?.requisites ?? {} },
  };
  const made = [
    { name: `Поручение агенту № ${request.number}.pdf`, pdf: await agentOrderPdf(data) },
    { name: `Счёт на оплату № ${request.number}.pdf`, pdf: await invoicePdf(data) },
  ];
  const files = [];
  for (const { name, pdf } of made) {
    const stored = await storage.put(Readable.from([pdf]));
    files.push({ name, mime: 'application/pdf', key: stored.key, size: stored.size, sha256: stored.sha256 });
  }
  await recordRequestDocuments(ctx, { requestId: request.id, source: 'generated', files });
}
