/**
 * `ONEC_MODE=http`: the `onec.documents` job posts the request's terms to the
 * 1C HTTP service and stores the PDFs it answers with (docs/1c-http-contract.md).
 * 1C slow or down (timeout, network error, 5xx): the manager is told once
 * «1С не отвечает, повторю» and the job throws, so pg-boss retries it with
 * backoff. A 4xx carries 1C's own message, shown to the manager as it is; it
 * is not retried (asking again would get the same answer).
 */
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { CommandContext } from '../../commands/context.js';
import type { OneCDocumentsJob } from '../../commands/requestOneCDocuments.js';
import { recordRequestDocuments } from '../../commands/recordRequestDocuments.js';
import { enqueueTelegram } from '../../commands/telegramOutbox.js';
import { dialogs, organizations, requests } from '../../db/schema.js';
import { sanitizeFileName } from '../../commands/requestDocuments.js';
import type { Storage } from '../../documents/storage.js';
import { botText, MANAGERS_LOCALE } from '../../commands/botTexts.js';

/** How long one call to 1C may take. */
export const ONEC_TIMEOUT_MS = 20_000;

/** What Hotline sends to 1C (version 1 of the contract). */
export interface OneCDocumentsRequest {
  version: 1;
  request: {
    id: number;
    number: string;
    ref: string | null;
    amount: string;
    currency: string;
    fundingCurrency: string;
    purpose: string;
    beneficiary: Record<string, string>;
    payer: Record<string, string>;
    contract: Record<string, string>;
    terms: Record<string, string> | null;
  };
  agent: { name: string; requisites: Record<string, string> };
  documents: Array<'agent_order' | 'invoice'>;
}

/** What 1C answers with 200. */
export interface OneCDocumentsResponse {
  ref?: string;
  documents: Array<{ name: string; mime?: string; contentBase64: string }>;
}

class OneCUnavailable extends Error {}

export class OneCHttp {
  /** Jobs whose "1C is not answering" message was already posted (one per job, not one per retry). */
  private readonly told = new Set<string>();

  constructor(
    private readonly ctx: CommandContext,
    private readonly storage: Storage,
    private readonly timeoutMs = ONEC_TIMEOUT_MS,
    /** The service's address: ONEC_URL in `http` mode, ONEC_PRINT_URL as the print service of `odata` mode. */
    private readonly url = ctx.config.onec.url,
  ) {}

  async run(job: OneCDocumentsJob, jobId: string): Promise<void> {
    const db = this.ctx.database.db;
    const [row] = await db.select({ request: requests, dialog: dialogs }).from(requests).leftJoin(dialogs, eq(dialogs.id, requests.dialogId)).where(eq(requests.id, job.requestId));
    if (!row) return;
    const { request, dialog } = row;
    const [ours] = await db.select().from(organizations).where(eq(organizations.isOurs, true));
    const body: OneCDocumentsRequest = {
      version: 1,
      request: {
        id: request.id,
        number: request.number,
        ref: request.onecRef,
        amount: request.amount,
        currency: request.currency,
        fundingCurrency: request.fundingCurrency,
        purpose: request.purpose,
        beneficiary: request.beneficiary,
        payer: request.payer,
        contract: request.documents,
        terms: request.terms ?? null,
      },
      agent: { name: ours?.name ?? '', requisites: ours?.requisites ?? {} },
      documents: ['agent_order', 'invoice'],
    };
    const say = async (text: string) => {
      if (!dialog) return;
      await this.ctx.database.transaction((tx) =>
        enqueueTelegram(this.ctx, tx, {
          chatId: dialog.managersChatId,
          method: 'sendMessage',
          payload: { text, ...(job.cardMessageId ? { reply_parameters: { message_id: job.cardMessageId, allow_sending_without_reply: true } } : {}) },
          target: { topicOfDialog: dialog.id },
        }),
      );
    };

    let response: Response;
    try {
      response = await this.call(body);
      if (response.status >= 500) throw new OneCUnavailable(`1C answered ${response.status}`);
    } catch (error) {
      if (!this.told.has(jobId)) {
        this.told.add(jobId);
        await say(botText(MANAGERS_LOCALE, 'onec-failure-unreachable'));
      }
      throw error;
    }
    if (response.status >= 400) {
      this.told.delete(jobId);
      await say(botText(MANAGERS_LOCALE, 'onec-http-refused', { message: await errorText(response) }));
      return;
    }
    const answer = (await response.json()) as OneCDocumentsResponse;
    const files = [];
    for (const document of answer.documents ?? []) {
      const bytes = Buffer.from(document.contentBase64, 'base64');
      if (!bytes.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new Error(`1C sent "${document.name}" that is not a PDF`);
      const stored = await this.storage.put(Readable.from([bytes]));
      files.push({ name: sanitizeFileName(document.name), mime: 'application/pdf', key: stored.key, size: stored.size, sha256: stored.sha256 });
    }
    if (answer.ref && answer.ref !== request.onecRef) await db.update(requests).set({ onecRef: answer.ref }).where(eq(requests.id, request.id));
    await recordRequestDocuments(this.ctx, { requestId: request.id, source: 'onec', files });
    this.told.delete(jobId);
  }

  private call(body: OneCDocumentsRequest): Promise<Response> {
    const { user, password } = this.ctx.config.onec;
    const url = this.url;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' };
    if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
    return fetch(url!, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
  }
}

/** 1C's `{ "error": "…" }`, or its plain-text body, or the status line. */
async function errorText(response: Response): Promise<string> {
  const text = (await response.text()).trim();
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string' && parsed.error) return parsed.error;
  } catch {
    /* not JSON */
  }
  return text.slice(0, 1000) || `HTTP ${response.status}`;
}
