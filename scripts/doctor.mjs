// `npm run doctor`: build the server if it is missing or stale (as `npm start` does), then run its checks.
// Exit code: 0 when every check passed, 1 otherwise.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Newest modification time of the files under `dir`. */
function newest(dir) {
  let latest = 0;
  if (!fs.existsSync(dir)) return latest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

const out = path.join(root, 'dist/doctor.js');
const mtime = fs.existsSync(out) ? fs.statSync(out).mtimeMs : 0;
if (mtime < newest(path.join(root, 'src'))) {
  const build = spawnSync('npm', ['run', '--silent', 'build:server'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const result = spawnSync(process.execPath, [out], { stdio: 'inherit' });
process.exit(result.status ?? 1);
