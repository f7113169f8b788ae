import { openDatabase } from './src/db/index.js';
import pino from 'pino';
import fs from 'node:fs';
const dir = fs.mkdtempSync('/tmp/migt-');
const t0 = Date.now();
const db = await openDatabase({ url: undefined, dataDir: dir, log: pino({ level: 'silent' }) } as any);
console.log('open+migrate ms', Date.now() - t0);
await db.close?.();
