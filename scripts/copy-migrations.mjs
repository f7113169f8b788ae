// The compiled server reads its SQL migrations from dist/db/migrations
// and the bot's texts (Fluent files, src/commands/botTexts.ts) from dist/locales.
import fs from 'node:fs';
fs.cpSync('src/db/migrations', 'dist/db/migrations', { recursive: true });
fs.cpSync('src/locales', 'dist/locales', { recursive: true });
