/**
 * `npm run doctor` with ONEC_MODE=odata against the stand-in for 1C's
 * standard OData interface: a proper publication is ✓; a wrong password, an
 * object not published, a user without the right to read are ✗ lines that
 * say what to tick or give in 1C.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor, type Check } from '../../src/doctor.js';
import { startOneCODataStub, type OneCODataStub } from '../helpers/onecOData.js';
import { tempDir } from '../helpers/database.js';

let stub: OneCODataStub;
let dataDir: string;
beforeAll(async () => {
  stub = await startOneCODataStub();
  dataDir = tempDir('doctor-onec-');
});
afterAll(async () => {
  await stub?.close();
});

const oneC = async (extra: Record<string, string> = {}): Promise<Check[]> =>
  (
    await runDoctor(
      { DATA_DIR: dataDir, HOST: '127.0.0.1', ONEC_MODE: 'odata', ONEC_URL: stub.url, ONEC_USER: 'hotline', ONEC_PASSWORD: 'secret', ...extra },
      { dotEnvFile: false, timeoutMs: 5_000 },
    )
  ).filter((c) => c.name.startsWith('1C'));

describe('doctor: 1C over OData', () => {
  it('a proper publication: connection, objects and rights are ✓', async () => {
    const checks = await oneC();
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['1C OData', true],
      ['1C OData objects', true],
      ['1C OData rights', true],
    ]);
    expect(checks[1]!.detail).toContain('Document_СчетНаОплатуПокупателю_Товары');
  });

  it('wrong password → ✗ with what to check', async () => {
    const [check] = await oneC({ ONEC_PASSWORD: 'wrong' });
    expect(check).toMatchObject({ name: '1C OData', ok: false, detail: `${stub.url}$metadata refused the credentials (HTTP 401)` });
    expect(check!.fix).toContain('check ONEC_USER and ONEC_PASSWORD');
  });

  it('an object not published → ✗ naming what to tick in «Настройка стандартного интерфейса OData»', async () => {
    stub.published.delete('Catalog_ДоговорыКонтрагентов');
    stub.published.delete('Document_СчетНаОплатуПокупателю_Товары');
    try {
      const checks = await oneC();
      const objects = checks.find((c) => c.name === '1C OData objects')!;
      expect(objects.ok).toBe(false);
      expect(objects.detail).toBe('not published: Catalog_ДоговорыКонтрагентов, Document_СчетНаОплатуПокупателю_Товары');
      expect(objects.fix).toContain('«Настройка стандартного интерфейса OData»');
      expect(objects.fix).toContain('tick «Справочник ДоговорыКонтрагентов», «Документ СчетНаОплатуПокупателю, табличная часть Товары»');
    } finally {
      stub.published.add('Catalog_ДоговорыКонтрагентов');
      stub.published.add('Document_СчетНаОплатуПокупателю_Товары');
    }
  });

  it('a user who may not read the counterparties → ✗ naming the user, the object and where rights are given', async () => {
    stub.users.set('reader', { password: 'p', rights: new Map([['Catalog_Организации', new Set(['read' as const])]]) });
    const rights = (await oneC({ ONEC_USER: 'reader', ONEC_PASSWORD: 'p' })).find((c) => c.name === '1C OData rights')!;
    expect(rights.ok).toBe(false);
    expect(rights.detail).toContain('user «reader» may not read Catalog_Валюты, Catalog_Контрагенты');
    expect(rights.fix).toContain('Группы доступа');
  });
});
