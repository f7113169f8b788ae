// `npm start`: build what is missing or stale, then run the product in this process's place.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Newest modification time under `dir` (files matching `filter`). */
function newest(dir, filter = () => true) {
  let latest = 0;
  if (!fs.existsSync(dir)) return latest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full, filter));
    else if (filter(full)) latest = Math.max(latest, fs.statSync(full).mtimeMs);
  }
  return latest;
}

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);

/** Runs an npm script; one line says what is happening, the tools speak only of problems. */
function run(script, what, args = []) {
  console.log(`Building ${what} (sources are newer than the build)…`);
  const result = spawnSync('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const serverOut = path.join(root, 'dist/main.js');
if (mtime(serverOut) < newest(path.join(root, 'src'))) run('build:server', 'the server');
const webOut = path.join(root, 'dist/web/index.html');
if (fs.existsSync(path.join(root, 'web/vite.config.ts')) && mtime(webOut) < newest(path.join(root, 'web'), (f) => !f.includes('node_modules'))) {
  run('build:web', 'the web app', ['--logLevel', 'warn']);
}

// Hotline runs on the Node LTS that `npm ci` puts into node_modules (the `node`
// package); a machine's own older Node may be the one that started this script.
const bundledNode = path.join(root, 'node_modules/.bin/node');
const runtime = fs.existsSync(bundledNode) ? bundledNode : process.execPath;
// Node flags and malloc settings that keep an idle instance small (src/runtime.ts says why).
const { NODE_ARGS, runtimeEnv } = await import(new URL('../dist/runtime.js', import.meta.url).href);
const child = spawn(runtime, [...NODE_ARGS, serverOut], { cwd: root, stdio: 'inherit', env: runtimeEnv(process.env) });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
