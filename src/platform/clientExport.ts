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
 * requests' amounts, a decimal string such as `12500.00` in the app — never a
 * float there; a number only in the file, see below), owner.
 *
 * CSV (csv-stringify): UTF-8 with a BOM (Excel then reads Cyrillic right),
 * CRLF line ends, the separator Excel expects for the header's language —
 * `;` for Russian (the list separator of a Russian Windows), `,` for
 * English — dates as ISO 8601 with the offset of the business time zone
 * (BUSINESS_TIME_ZONE, named in the dates' headers), every text cell guarded against formula
 * injection (core/spreadsheet `csvSafe`, OWASP), volumes with the decimal
 * separator of the file's language (`125000,60` Russian, `125000.60` English:
 * core/spreadsheet `csvDecimal`). XLSX (exceljs' streaming writer): dates are
 * real date cells (the business time zone's wall-clock time, shown
 * ДД.ММ.ГГГГ ЧЧ:ММ in Russian), ids and counts
 * are numbers, volumes are number cells shown with 2 decimals (converted
 * exactly from the decimal string at this boundary, core/spreadsheet
 * `spreadsheetNumber`; one beyond 15 significant digits stays text).
 */
import { PassThrough, Readable, pipeline, type Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { csvDecimal, csvSafe, spreadsheetNumber } from '../core/spreadsheet.js';
import type { ExportRow } from './routes/clientQueries.js';

export type ExportFormat = 'csv' | 'xlsx';
export type ExportLanguage = 'ru' | 'en';

const HEADERS: Record<ExportLanguage, { fixed: (zone: string) => string[]; volume: (currency: string) => string; owner: string }> = {
  ru: {
    fixed: (zone) => ['ID клиента', 'Имя', 'Username', 'Telegram ID', 'Язык', 'Метки', 'Источник (start)', `Первое обращение (${zone})`, `Последний контакт (${zone})`, 'Заявок', 'Завершено заявок'],
    volume: (currency) => `Объём ${currency}`,
    owner: 'Ответственный',
  },
  en: {
    fixed: (zone) => ['Client ID', 'Name', 'Username', 'Telegram ID', 'Language', 'Labels', 'Source (start)', `First contact (${zone})`, `Last contact (${zone})`, 'Requests', 'Completed requests'],
    volume: (currency) => `Volume ${currency}`,
    owner: 'Owner',
  },
};

/** The header row for these volume currencies; the dates' columns name their IANA time zone (e.g. `Europe/Moscow`). */
export function exportHeader(language: ExportLanguage, currencies: string[], timeZone: string): string[] {
  const headers = HEADERS[language];
  return [...headers.fixed(timeZone), ...currencies.map(headers.volume), headers.owner];
}

/** A moment as ISO 8601 with the zone's offset, to the second: `2026-12-01T17:02:00+03:00` (Europe/Moscow). */
export function zonedIso(moment: Date, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(moment.getTime()).toZonedDateTimeISO(timeZone).toString({ timeZoneName: 'never', smallestUnit: 'second' });
}

/**
 * The wall-clock time of `moment` in `timeZone`, as a Date whose UTC fields
 * hold it: an XLSX date cell has no zone, and exceljs writes a Date's UTC
 * fields, so the cell then shows the zone's local time.
 */
function wallClock(moment: Date, timeZone: string): Date {
  const offsetMs = Temporal.Instant.fromEpochMilliseconds(moment.getTime()).toZonedDateTimeISO(timeZone).offsetNanoseconds / 1e6;
  return new Date(moment.getTime() + offsetMs);
}

/** The file's MIME type. */
export const EXPORT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * The file as a stream: its bytes flow as `rows` yields. An error while
 * reading rows ends the stream with that error (the download breaks off
 * rather than ending as a file that looks whole). `timeZone`: an IANA name
 * (BUSINESS_TIME_ZONE) — the dates are its wall-clock times, with its offset
 * in the CSV, and the dates' headers name it.
 */
export function exportStream(format: ExportFormat, language: ExportLanguage, currencies: string[], rows: AsyncIterable<ExportRow>, timeZone: string): Readable {
  return format === 'csv' ? csvStream(language, currencies, rows, timeZone) : xlsxStream(language, currencies, rows, timeZone);
}

function csvStream(language: ExportLanguage, currencies: string[], rows: AsyncIterable<ExportRow>, timeZone: string): Readable {
  const out = stringify({ bom: true, delimiter: language === 'ru' ? ';' : ',', record_delimiter: 'windows', quoted_string: false });
  async function* records(): AsyncGenerator<string[]> {
    yield exportHeader(language, currencies, timeZone).map(csvSafe);
    for await (const row of rows) {
      const fixed = [
        String(row.clientId),
        row.name,
        row.username ?? '',
        String(row.telegramUserId),
        row.language ?? '',
        row.labels.join(', '),
        row.startParameter ?? '',
        zonedIso(row.firstContactAt, timeZone),
        row.lastContactAt ? zonedIso(row.lastContactAt, timeZone) : '',
        String(row.requests),
        String(row.completedRequests),
      ].map(csvSafe);
      // Volumes: numbers in the reader's notation (csvDecimal guards anything that is not a plain decimal).
      const volumes = currencies.map((currency) => csvDecimal(row.volume[currency] ?? '', language));
      yield [...fixed, ...volumes, csvSafe(row.owner ?? '')];
    }
  }
  pipeline(Readable.from(records()), out, () => {});
  return out;
}

/** The 0-based column of the first volume (after the 11 fixed columns). */
const VOLUME_COLUMN = 11;
/** Volumes shown with 2 decimals and digit grouping (Excel shows the reader's own separators). */
const MONEY_FORMAT = '#,##0.00';

function xlsxStream(language: ExportLanguage, currencies: string[], rows: AsyncIterable<ExportRow>, timeZone: string): Readable {
  const out = new PassThrough();
  const dateFormat = language === 'ru' ? 'dd.mm.yyyy hh:mm' : 'yyyy-mm-dd hh:mm';
  const write = async () => {
    // Loaded on the first spreadsheet export, not at start: exceljs and its zip
    // and XML libraries are ~2 MB of JavaScript an idle instance never runs.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out as Writable, useStyles: true, useSharedStrings: false });
    const sheet = workbook.addWorksheet(language === 'ru' ? 'Клиенты' : 'Clients');
    const header = exportHeader(language, currencies, timeZone);
    sheet.columns = header.map((title, index) => ({
      header: title,
      width: index === 1 || index === header.length - 1 ? 28 : 16,
      ...(index === 7 || index === 8 ? { style: { numFmt: dateFormat } } : {}),
      ...(index >= VOLUME_COLUMN && index < VOLUME_COLUMN + currencies.length ? { style: { numFmt: MONEY_FORMAT } } : {}),
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
          wallClock(row.firstContactAt, timeZone),
          row.lastContactAt && wallClock(row.lastContactAt, timeZone),
          row.requests,
          row.completedRequests,
          // The decimal string becomes the cell's number here and only here, exactly (at most 15 significant
          // digits, which a double and Excel both keep); a longer one stays text rather than lose digits.
          ...currencies.map((currency) => {
            const volume = row.volume[currency];
            return volume === undefined ? '' : (spreadsheetNumber(volume) ?? volume);
          }),
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
