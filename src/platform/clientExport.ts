/**
 * The export of clients as a file (issue 19.5): CSV or XLSX, one row per
 * client, written while the rows are read (platform/routes/clientQueries
 * `exportRows`, a page of clients at a time), so the file streams out and a
 * large export never sits in memory whole.
 *
 * Columns: client id, name, Telegram username (without the `@`: a cell
 * starting with `@` is formula-like, see below), Telegram id, language, labels, start
 * parameter (source), first contact, last contact, number of requests,
 * completed requests, one volume column per currency (the sum of completed
 * requests' amounts, a decimal string such as `12500.00` — never a float), owner.
 *
 * CSV (csv-stringify): UTF-8 with a BOM (Excel then reads Cyrillic right),
 * CRLF line ends, the separator Excel expects for the header's language —
 * `;` for Russian (the list separator of a Russian Windows), `,` for
 * English — dates as ISO 8601 in UTC, every text cell guarded against formula
 * injection (core/spreadsheet `csvSafe`, OWASP). XLSX (exceljs' streaming
 * writer): dates are real date cells (UTC, shown ДД.ММ.ГГГГ ЧЧ:ММ in
 * Russian), ids and counts are numbers, volumes stay decimal text.
 */
import { PassThrough, Readable, pipeline, type Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { csvSafe } from '../core/spreadsheet.js';
import type { ExportRow } from './routes/clientQueries.js';

export type ExportFormat = 'csv' | 'xlsx';
export type ExportLanguage = 'ru' | 'en';

const HEADERS: Record<ExportLanguage, { fixed: string[]; volume: (currency: string) => string; owner: string }> = {
  ru: {
    fixed: ['ID клиента', 'Имя', 'Username', 'Telegram ID', 'Язык', 'Метки', 'Источник (start)', 'Первое обращение (UTC)', 'Последний контакт (UTC)', 'Заявок', 'Завершено заявок'],
    volume: (currency) => `Объём ${currency}`,
    owner: 'Ответственный',
  },
  en: {
    fixed: ['Client ID', 'Name', 'Username', 'Telegram ID', 'Language', 'Labels', 'Source (start)', 'First contact (UTC)', 'Last contact (UTC)', 'Requests', 'Completed requests'],
    volume: (currency) => `Volume ${currency}`,
    owner: 'Owner',
  },
};

/** The header row for these volume currencies. */
export function exportHeader(language: ExportLanguage, currencies: string[]): string[] {
  const headers = HEADERS[language];
  return [...headers.fixed, ...currencies.map(headers.volume), headers.owner];
}

/** The file's MIME type. */
export const EXPORT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * The file as a stream: its bytes flow as `rows` yields. An error while
 * reading rows ends the stream with that error (the download breaks off
 * rather than ending as a file that looks whole).
 */
export function exportStream(format: ExportFormat, language: ExportLanguage, currencies: string[], rows: AsyncIterable<ExportRow>): Readable {
  return format === 'csv' ? csvStream(language, currencies, rows) : xlsxStream(language, currencies, rows);
}

function csvStream(language: ExportLanguage, currencies: string[], rows: AsyncIterable<ExportRow>): Readable {
  const out = stringify({ bom: true, delimiter: language === 'ru' ? ';' : ',', record_delimiter: 'windows', quoted_string: false });
  async function* records(): AsyncGenerator<string[]> {
    yield exportHeader(language, currencies).map(csvSafe);
    for await (const row of rows) {
      yield [
        String(row.clientId),
        row.name,
        row.username ?? '',
        String(row.telegramUserId),
        row.language ?? '',
        row.labels.join(', '),
        row.startParameter ?? '',
        row.firstContactAt.toISOString(),
        row.lastContactAt?.toISOString() ?? '',
        String(row.requests),
        String(row.completedRequests),
        ...currencies.map((currency) => row.volume[currency] ?? ''),
        row.owner ?? '',
      ].map(csvSafe);
    }
  }
  pipeline(Readable.from(records()), out, () => {});
  return out;
}

function xlsxStream(language: ExportLanguage, currencies: string[], rows: AsyncIterable<ExportRow>): Readable {
  const out = new PassThrough();
  const dateFormat = language === 'ru' ? 'dd.mm.yyyy hh:mm' : 'yyyy-mm-dd hh:mm';
  const write = async () => {
    // Loaded on the first spreadsheet export, not at start: exceljs and its zip
    // and XML libraries are ~2 MB of JavaScript an idle instance never runs.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out as Writable, useStyles: true, useSharedStrings: false });
    const sheet = workbook.addWorksheet(language === 'ru' ? 'Клиенты' : 'Clients');
    const header = exportHeader(language, currencies);
    sheet.columns = header.map((title, index) => ({
      header: title,
      width: index === 1 || index === header.length - 1 ? 28 : 16,
      ...(index === 7 || index === 8 ? { style: { numFmt: dateFormat } } : {}),
    }));
    sheet.getRow(1).font = { bold: true };
    for await (const row of rows) {
      sheet
        .addRow([
          row.clientId,
          row.name,
          row.username ?? '',
          row.telegramUserId,
          row.language ?? '',
          row.labels.join(', '),
          row.startParameter ?? '',
          row.firstContactAt,
          row.lastContactAt,
          row.requests,
          row.completedRequests,
          ...currencies.map((currency) => row.volume[currency] ?? ''),
          row.owner ?? '',
        ])
        .commit();
    }
    sheet.commit();
    await workbook.commit();
  };
  write().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}
