/**
 * `ONEC_MODE=odata`: the request's document in 1C through the standard OData
 * interface, with no development in 1C.
 *
 * The `onec.documents` job brings 1C in line with the request as it is now:
 * - no document yet and «Документы 1С» pressed → find or create the
 *   counterparty (Catalog_Контрагенты by ИНН and КПП of the payer) and its
 *   contract (Catalog_ДоговорыКонтрагентов), create the document of
 *   `ONEC_ODATA_MAPPING` (default: Document_СчетНаОплатуПокупателю for the
 *   agent's fee), post it, remember its Ref_Key on the request;
 * - the terms changed → update the document and post it again, or (with
 *   `ONEC_ODATA_ON_CHANGE=replace`) mark it for deletion and make a new one;
 * - the request cancelled → unpost it.
 * The topic then gets «Открыть в 1С» with the navigation link to exactly that
 * document and, with `ONEC_PRINT_URL`, the PDFs from the print service.
 *
 * Failures reach the manager as sentences (odataClient.ts). 1C unreachable or
 * locked: told once per job, then the job throws so pg-boss retries it.
 * Jobs of one request run one after another in this process, so a /rate
 * right after the button waits for the document to exist.
 */
import { eq } from 'drizzle-orm';
import { data as currencies } from 'currency-codes';
import type { CommandContext } from '../../commands/context.js';
import type { OneCDocumentsJob } from '../../commands/requestOneCDocuments.js';
import { scheduleActionCard } from '../../commands/actionCards.js';
import { enqueueTelegram } from '../../commands/telegramOutbox.js';
import { recordEvent } from '../../commands/context.js';
import { oneCDocumentBody, oneCMarker, oneCNavigationUrl, type OneCDocumentMapping } from '../../core/oneCOData.js';
import { Decimal, formatMoney } from '../../core/money.js';
import { dialogs, organizations, requests } from '../../db/schema.js';
import type { Storage } from '../../documents/storage.js';
import { OneCHttp, ONEC_TIMEOUT_MS } from './http.js';
import { guid, ODataClient, OneCODataError, failureSentence, quote, type ODataEntity } from './odataClient.js';

type RequestRow = typeof requests.$inferSelect;

export class OneCOData {
  private readonly told = new Set<string>();
  private readonly queues = new Map<number, Promise<unknown>>();
  private readonly client: ODataClient;
  private readonly mapping: OneCDocumentMapping;

  constructor(
    private readonly ctx: CommandContext,
    private readonly storage: Storage,
    private readonly timeoutMs = ONEC_TIMEOUT_MS,
  ) {
    this.client = new ODataClient(ctx.config.onec, timeoutMs);
    this.mapping = ctx.config.onec.odata.mapping;
  }

  /** Runs the job after the earlier jobs of the same request (in this process). */
  run(job: OneCDocumentsJob, jobId: string): Promise<void> {
    const previous = this.queues.get(job.requestId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.sync(job, jobId));
    this.queues.set(job.requestId, next);
    void next.finally(() => {
      if (this.queues.get(job.requestId) === next) this.queues.delete(job.requestId);
    }).catch(() => undefined);
    return next;
  }

  private async sync(job: OneCDocumentsJob, jobId: string): Promise<void> {
    const db = this.ctx.database.db;
    const [row] = await db.select({ request: requests, dialog: dialogs }).from(requests).leftJoin(dialogs, eq(dialogs.id, requests.dialogId)).where(eq(requests.id, job.requestId));
    if (!row) return;
    const { request, dialog } = row;
    const say = async (text: string, url?: string) => {
      if (!dialog) return;
      await this.ctx.database.transaction((tx) =>
        enqueueTelegram(this.ctx, tx, {
          chatId: dialog.managersChatId,
          method: 'sendMessage',
          payload: {
            text,
            ...(url ? { reply_markup: { inline_keyboard: [[{ text: '📄 Открыть в 1С', url }]] } } : {}),
            ...(job.cardMessageId ? { reply_parameters: { message_id: job.cardMessageId, allow_sending_without_reply: true } } : {}),
          },
          target: { topicOfDialog: dialog.id },
        }),
      );
    };

    let done: { text: string; ref: string } | undefined;
    try {
      done = await this.bringInLine(request, job);
    } catch (error) {
      if (!(error instanceof OneCODataError)) throw error;
      if (error.transient) {
        if (!this.told.has(jobId)) {
          this.told.add(jobId);
          await say(failureSentence(error, this.ctx.config.onec.user));
        }
        throw error;
      }
      this.told.delete(jobId);
      await say(failureSentence(error, this.ctx.config.onec.user));
      return;
    }
    this.told.delete(jobId);
    if (!done) return;
    const { webUrl, printUrl } = this.ctx.config.onec.odata;
    await say(done.text, webUrl ? oneCNavigationUrl(webUrl, this.mapping.document, done.ref) : undefined);
    if (printUrl && request.status !== 'cancelled') {
      await new OneCHttp(this.ctx, this.storage, this.timeoutMs, printUrl).run({ requestId: request.id, cardMessageId: job.cardMessageId }, `${jobId}:print`);
    }
  }

  /** Makes 1C match the request; returns what to tell the manager, or nothing when there was nothing to do. */
  private async bringInLine(request: RequestRow, job: OneCDocumentsJob): Promise<{ text: string; ref: string } | undefined> {
    const set = this.mapping.document;
    const title = documentTitle(set);
    let current = request.onecRef ? await this.client.get(set, request.onecRef) : undefined;
    // A crash between 1C's answer and our update leaves a document we made but did not remember: find it by its marker.
    current ??= await this.findMade(request);
    if (current && current.Ref_Key !== request.onecRef) await this.remember(request, current.Ref_Key);

    if (request.status === 'cancelled') {
      if (!current || !current.Posted) return current ? { text: `${title} № ${current.Number} в 1С уже не проведён.`, ref: current.Ref_Key } : undefined;
      await this.client.act(set, current.Ref_Key, 'Unpost');
      await this.event(request, 'request.onecUnposted', current.Ref_Key);
      return { text: `Заявка отменена — ${title.toLowerCase()} № ${current.Number} в 1С распроведён.`, ref: current.Ref_Key };
    }
    if (!request.terms) return undefined;
    if (!current) {
      if (!job.create) return undefined;
      const made = await this.make(request);
      return { text: `${title} № ${made.Number} создан и проведён в 1С: ${this.amount(made, request)}.`, ref: made.Ref_Key };
    }
    const body = await this.body(request);
    if (!differs(current, body, this.mapping)) {
      // Nothing to change (the button again, or a change 1C's document does not carry): make sure it is posted and show it.
      if (!current.Posted) await this.client.act(set, current.Ref_Key, 'Post');
      if (!job.create) return undefined;
      return { text: `${title} № ${current.Number} в 1С проведён: ${this.amount(current, request)}.`, ref: current.Ref_Key };
    }
    if (this.ctx.config.onec.odata.onChange === 'replace') {
      await this.client.update(set, current.Ref_Key, { DeletionMark: true });
      const made = await this.make(request, body);
      return {
        text: `Условия изменились: ${title.toLowerCase()} № ${current.Number} помечен в 1С на удаление, новый № ${made.Number} проведён: ${this.amount(made, request)}.`,
        ref: made.Ref_Key,
      };
    }
    const { Date: _keepDate, ...changes } = body;
    const updated = await this.client.update(set, current.Ref_Key, changes);
    await this.client.act(set, current.Ref_Key, 'Post');
    await this.event(request, 'request.onecUpdated', current.Ref_Key);
    return { text: `Условия изменились: ${title.toLowerCase()} № ${current.Number} в 1С обновлён и проведён: ${this.amount(updated, request)}.`, ref: current.Ref_Key };
  }

  /** «сумма 683,75 RUB» from the document as 1C holds it. */
  private amount(entity: ODataEntity, request: RequestRow): string {
    const field = this.mapping.header.amount;
    const value = field ? entity[field] : undefined;
    return typeof value === 'number' || typeof value === 'string' ? `сумма ${formatMoney(new Decimal(value).toFixed(2), request.fundingCurrency, 'ru')}` : 'сумма — в документе';
  }

  private async make(request: RequestRow, body?: Record<string, unknown>): Promise<ODataEntity> {
    const set = this.mapping.document;
    const made = await this.client.create(set, body ?? (await this.body(request)));
    await this.remember(request, made.Ref_Key);
    await this.client.act(set, made.Ref_Key, 'Post');
    await this.event(request, 'request.onecPosted', made.Ref_Key);
    return made;
  }

  private async findMade(request: RequestRow): Promise<ODataEntity | undefined> {
    const [found] = await this.client.list(this.mapping.document, `${this.mapping.header.comment} eq ${quote(oneCMarker(request.number))} and DeletionMark eq false`, 1);
    return found;
  }

  /** The document's body: the references found or made in 1C, and the fee. */
  private async body(request: RequestRow): Promise<Record<string, unknown>> {
    const organizationKey = await this.organization();
    const currencyKey = await this.currency(request.fundingCurrency);
    const counterpartyKey = await this.counterparty(request.payer);
    const contractKey = await this.contract(counterpartyKey, organizationKey, currencyKey);
    const terms = request.terms!;
    return oneCDocumentBody(this.mapping, {
      number: request.number,
      date: new Date(),
      fee: String(terms.fee ?? '0'),
      fixedFee: String(terms.fixedFee ?? '0'),
      fundingCurrency: request.fundingCurrency,
      organizationKey,
      counterpartyKey,
      contractKey,
      currencyKey,
    });
  }

  /** Our organization in 1C: by the ИНН of our requisites, or the only one there is. */
  private async organization(): Promise<string> {
    const [ours] = await this.ctx.database.db.select().from(organizations).where(eq(organizations.isOurs, true));
    const inn = ours?.requisites?.inn;
    const found = await this.client.list('Catalog_Организации', inn ? `ИНН eq ${quote(inn)} and DeletionMark eq false` : 'DeletionMark eq false', 2);
    if (found.length === 1 || (inn && found.length > 0)) return found[0]!.Ref_Key;
    throw new OneCODataError(
      'rejected',
      'Catalog_Организации',
      'read',
      inn ? `организации с ИНН ${inn} нет в справочнике «Организации»` : 'в 1С несколько организаций — укажите ИНН нашей организации в реквизитах на платформе, чтобы выбрать нужную',
    );
  }

  /** Catalog_Валюты by the ISO numeric code (`643` for RUB), as 1C keeps it in `Code`. */
  private async currency(code: string): Promise<string> {
    const numeric = currencies.find((c) => c.code === code)?.number ?? code;
    const [found] = await this.client.list('Catalog_Валюты', `Code eq ${quote(numeric)}`, 1);
    if (!found) throw new OneCODataError('rejected', 'Catalog_Валюты', 'read', `валюты ${code} (код ${numeric}) нет в справочнике «Валюты»`);
    return found.Ref_Key;
  }

  /** The payer as a counterparty, by ИНН and КПП; made when 1C does not know it. */
  private async counterparty(payer: Record<string, string>): Promise<string> {
    const inn = payer.inn?.trim();
    if (!inn) throw new OneCODataError('rejected', 'Catalog_Контрагенты', 'read', 'в заявке не указан ИНН плательщика — по нему ищется контрагент');
    const kpp = payer.kpp?.trim();
    const filter = `ИНН eq ${quote(inn)}${kpp ? ` and КПП eq ${quote(kpp)}` : ''} and DeletionMark eq false`;
    const [found] = await this.client.list('Catalog_Контрагенты', filter, 1);
    if (found) return found.Ref_Key;
    const name = payer.name?.trim() || `ИНН ${inn}`;
    const made = await this.client.create('Catalog_Контрагенты', {
      Description: name.slice(0, 100),
      НаименованиеПолное: name,
      ИНН: inn,
      ...(kpp ? { КПП: kpp } : {}),
      ЮридическоеФизическоеЛицо: inn.length === 12 ? 'ФизическоеЛицо' : 'ЮридическоеЛицо',
    });
    return made.Ref_Key;
  }

  /** The counterparty's contract of our organization and the mapping's kind; made when there is none. */
  private async contract(owner: string, organization: string, currency: string): Promise<string> {
    const kind = this.mapping.contractKind;
    const filter = `Owner_Key eq ${guid(owner)} and Организация_Key eq ${guid(organization)} and ВидДоговора eq ${quote(kind)} and DeletionMark eq false`;
    const [found] = await this.client.list('Catalog_ДоговорыКонтрагентов', filter, 1);
    if (found) return found.Ref_Key;
    const made = await this.client.create('Catalog_ДоговорыКонтрагентов', {
      Description: 'Агентский договор',
      Owner_Key: owner,
      Организация_Key: organization,
      ВидДоговора: kind,
      ВалютаВзаиморасчетов_Key: currency,
    });
    return made.Ref_Key;
  }

  private async remember(request: RequestRow, ref: string): Promise<void> {
    await this.ctx.database.transaction(async (tx) => {
      await tx.db.update(requests).set({ onecRef: ref }).where(eq(requests.id, request.id));
      await scheduleActionCard(this.ctx, tx, request);
    });
    request.onecRef = ref;
  }

  private async event(request: RequestRow, name: string, ref: string): Promise<void> {
    await this.ctx.database.transaction((tx) =>
      recordEvent(tx, { actor: {}, subjectType: 'request', subjectId: request.id, name, after: { document: this.mapping.document, ref } }),
    );
  }
}

/** «Счёт на оплату покупателю» for the default; the entity's own name otherwise. */
function documentTitle(set: string): string {
  const known: Record<string, string> = {
    Document_СчетНаОплатуПокупателю: 'Счёт на оплату покупателю',
    Document_ЗаказКлиента: 'Заказ клиента',
    Document_ПоступлениеНаРасчетныйСчет: 'Поступление на расчётный счёт',
  };
  return known[set] ?? set.replace(/^Document_/, 'Документ ');
}

/** Whether the document's amount or its row differ from what the request says now. */
function differs(current: ODataEntity, body: Record<string, unknown>, mapping: OneCDocumentMapping): boolean {
  const field = mapping.header.amount;
  if (field && Number(current[field]) !== Number(body[field])) return true;
  const rows = current[mapping.table];
  const sum = mapping.line.sum;
  if (Array.isArray(rows) && sum) {
    const wanted = (body[mapping.table] as Array<Record<string, unknown>>)[0]![sum];
    return rows.length !== 1 || Number((rows[0] as Record<string, unknown>)[sum]) !== Number(wanted);
  }
  return !field;
}
