// The compiled server reads its SQL migrations from dist/db/migrations.
import fs from 'node:fs';
fs.cpSync('src/db/migrations', 'dist/db/migrations', { recursive: true });
