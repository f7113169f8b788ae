/**
 * What `npm start` prints (issue 17.19): on a terminal, readable lines
 * (pino-pretty) and the first admin's password set apart on its own line;
 * into a pipe or a file, one JSON object a line for log collectors. The
 * terminal is a real pseudo-terminal (util-linux `script`), so the app sees
 * `process.stdout.isTTY` as it does under `npm start` in a shell.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/database.js';
import { freePort, root, spawnHotline, type HotlineProcess } from '../helpers/process.js';

const running: Array<HotlineProcess | ChildProcess> = [];
afterEach(async () => {
  for (const p of running.splice(0)) {
    const child = 'child' in p ? p.child : p;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
});

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('start-up lines', () => {
  it.skipIf(!hasScript)('on a terminal: readable lines, no JSON, and the password on its own line', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    // `script -qfec CMD /dev/null` runs CMD on a new pseudo-terminal and copies what it prints to our pipe.
    const child = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} --import tsx src/main.ts`, '/dev/null'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info', TERM: 'xterm' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    await expect.poll(() => /password: +\S+ +← shown this once/.test(plain(output)), { timeout: 60_000, interval: 200 }).toBe(true);
    const lines = plain(output).split('\n').filter((line) => line.trim());
    expect(lines.filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/^\[\d\d:\d\d:\d\d\] INFO: Hotline is ready on http:\/\/127\.0\.0\.1:\d+/));
    const passwordLine = lines.find((line) => line.includes('password:'))!;
    expect(passwordLine).toMatch(/^ {4}password: {2}[A-Za-z0-9]{12,} {3}← shown this once: keep it$/);
    expect(lines).toContainEqual('    e-mail:    admin@hotline.local');
    // The password is not also buried inside another line.
    const password = /password: +(\S+)/.exec(passwordLine)![1]!;
    expect(lines.filter((line) => line.includes(password))).toEqual([passwordLine]);
  });

  it('into a pipe: one JSON object a line, the welcome included', async () => {
    const hotline = await spawnHotline({ DATA_DIR: tempDir() });
    running.push(hotline);
    await hotline.waitForOutput(/shown this once/, 60_000);
    const lines = hotline.output().split('\n').filter((line) => line.trim());
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const welcome = lines.map((line) => JSON.parse(line) as { msg: string }).find((entry) => entry.msg.startsWith('Sandbox mode'))!;
    expect(welcome.msg).toMatch(/\n {4}password: {2}\S+ {3}← shown this once: keep it\n/);
  });
});
