/**
 * The figures of the fault-injection suite: each scenario records its counts
 * (before asserting, so a failed run is reported too) into a JSON file per
 * scenario; the global teardown (globalSetup.ts) writes docs/RELIABILITY.md
 * from them once every scenario has run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the scenarios leave their results; globalSetup empties it before a run. */
export const RESULTS_DIR = path.join(os.tmpdir(), 'hotline-faults-results');

/** What one direction of the conversation shows: what was sent against what arrived. */
export interface Tally {
  sent: number;
  /** Distinct sent messages that arrived at least once. */
  delivered: number;
  /** Extra copies beyond the first (a repeat after a kill is counted apart). */
  duplicated: number;
  /** Whole Bot API messages sent twice in a row — the call in flight when the process was killed. */
  repeatedAfterKill: number;
  /** Repeats that carry the repeat mark (a call whose answer was lost, sent again once, marked): allowed. */
  repeatedMarked: number;
  /** Arrived before a message that was sent earlier. */
  outOfOrder: number;
  lost: number;
  /**
   * Written in the managers' group while the bot was not a member and so
   * never delivered to it (Bot API: updates come only from chats the bot is
   * in): not lost by Hotline; managers are told when the bot is back.
   */
  whileBotOut: number;
  /** Arrived but never sent (garbled, or from somewhere else). */
  unexpected: number;
}

export interface ScenarioResult {
  /** File order: 1…5. */
  order: number;
  title: string;
  /** What was done, in one or two sentences (faults, durations, scaling). */
  setup: string;
  rows: Array<{ direction: string; tally: Tally }>;
  /** Seconds from the end of the fault until every message had arrived (null: never). */
  drainSeconds: number | null;
  /** Further facts worth a line (429s answered, webhook errors…). */
  notes: string[];
  /** Bot API calls made per delivered message (a hot retry loop shows here). */
  callsPerMessage?: number;
  /** Topics the bot created that no dialog owns at the end. */
  orphanTopics?: number;
  passed?: boolean;
}

export function recordResult(file: string, result: ScenarioResult): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, `${file}.json`), JSON.stringify(result, null, 2));
}

export function readResults(): ScenarioResult[] {
  if (!fs.existsSync(RESULTS_DIR)) return [];
  return fs
    .readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, f), 'utf8')) as ScenarioResult)
    .sort((a, b) => a.order - b.order);
}

const mark = (ok: boolean) => (ok ? '✅' : '❌');

function table(result: ScenarioResult): string {
  const lines = [
    '| direction | sent | delivered | duplicated (unmarked) | repeated and marked | repeated after kill | out of order | lost | written while the bot was out |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { direction, tally: t } of result.rows) {
    lines.push(
      `| ${direction} | ${t.sent} | ${t.delivered} | ${t.duplicated} ${mark(t.duplicated === 0)} | ${t.repeatedMarked ?? 0} | ${t.repeatedAfterKill} | ${t.outOfOrder} ${mark(t.outOfOrder === 0)} | ${t.lost} ${mark(t.lost === 0)} | ${t.whileBotOut ?? 0} |`,
    );
  }
  return lines.join('\n');
}

function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${cpus.length} × ${model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

export function renderReport(results: ScenarioResult[], options: { command: string; seconds: number }): string {
  const date = new Date().toISOString().replace('T', ' ').slice(0, 16);
  const parts = [
    '# Reliability',
    '',
    'Written by `npm run test:faults` (test/faults, vitest.faults.config.ts); do not edit the figures by hand.',
    '',
    `- Machine: ${machine()}`,
    `- Date: ${date} UTC`,
    `- Command: \`${options.command}\` (the whole suite took ${Math.round(options.seconds)} s)`,
    '- Database: PostgreSQL (a fresh database per scenario)',
    '',
    'Each scenario runs Hotline against the Telegram emulator (src/sandbox) with',
    'Telegram\'s flood limits on in both, their windows shrunk as stated per scenario',
    '(`TELEGRAM_LIMITS_TIME_SCALE`; only the flood windows are scaled — injected',
    '`retry_after`, outages and restarts take their real time). Clients write',
    'into the bot; a manager answers each client message in the client\'s topic',
    'as soon as it shows there. Targets: lost 0, duplicated 0, out of order 0.',
    '',
    '**Counting.** *Client → topic* compares what each client sent with the',
    'lines of the bot\'s messages in that client\'s topic (the outbox may merge a',
    'backlogged client\'s consecutive texts into one message, one line each);',
    '*manager → client* compares the manager\'s answers with the bot\'s copies in',
    'the client\'s private chat. *Repeated after kill*: the outbox is',
    'at-least-once towards Telegram — a Bot API call in flight when the process',
    'is killed cannot be known to have arrived (the Bot API has no idempotency',
    'key), so it is sent again after the restart: the same whole message twice in',
    'a row, at most once per queue per kill. It is counted apart and tolerated',
    'only in the kill scenario; anywhere else a repeat counts as a duplicate.',
    '*Drain* is the time from the end of the fault until the last message had',
    'arrived.',
    '',
  ];
  // What Hotline promises when Telegram's answer is lost (prose, kept by every regeneration).
  parts.push(
    "## When Telegram's answer is lost",
    "",
    "The Bot API has no idempotency key. When a call times out, or its connection",
    "drops, or the process dies while the call is out, Hotline cannot know whether",
    "Telegram applied it: the message may already be on the manager's or the",
    "client's screen. What Hotline promises then:",
    "",
    "- **No message is lost.** A call is only marked sent when Telegram's answer",
    "  has been recorded; until then its row stays in the outbox (PostgreSQL) and",
    "  is tried again, across restarts and instances. A problem of a whole",
    "  managers' group (the bot removed or demoted, 403 \"bot was kicked\", 400",
    "  \"not enough rights to send…\") pauses that group: its messages wait in",
    "  order, none is marked failed, and they go out when the bot's rights come",
    "  back (its `my_chat_member`, or the next probe call succeeding). A group that",
    "  became a supergroup (400 with `migrate_to_chat_id`) is followed. People are",
    "  told: the log (an error line naming the group and Telegram's answer),",
    "  `/metrics` (`hotline_managers_chats_paused`), `/readyz`",
    "  (`paused_managers_groups`, with a `reason_code`), the admin page's banner",
    "  and `npm run doctor`. When the bot is back after a removal, managers get one",
    "  notice that what they wrote meanwhile did not reach clients — once, whether",
    "  its `my_chat_member` or a call that went through saw it first (a conditional",
    "  update on the group's row, `managers_chats.removed_at`).",
    "- **A group the bot can post into but not fully serve is reported, not",
    "  silent.** Demoted to a plain member with privacy mode on, the bot gets only",
    "  commands, mentions and replies to it (Bot API § Privacy mode), so managers'",
    "  answers never reach clients; an administrator without \"Manage Topics\"",
    "  cannot create a new client's topic, so that client's messages wait (and go",
    "  out as soon as the right is back). Both are read from the bot's own",
    "  `my_chat_member` and again at start-up (`getChatMember` + `getMe`) — and,",
    "  for topics, from what Telegram actually answers: a createForumTopic refused",
    "  with \"not enough rights to create a topic\" sets `cannot_manage_topics`",
    "  whatever the membership said (a plain member's right depends on the group's",
    "  permissions, which no `my_chat_member` carries), and a topic created clears",
    "  it — and told",
    "  once per change: an error line in the log, one notice in the group (and one",
    "  when it clears), `/readyz` `unhealthy_managers_groups` (readiness does not",
    "  fail: clients' intake goes on), `/metrics`",
    "  `hotline_managers_chats_unhealthy{problem=\"cannot_read_messages\"|\"cannot_manage_topics\"}`,",
    "  a banner on the admin page saying what to do, and `npm run doctor`.",
    "- **A message is shown at most twice, and the second one says so.** A call",
    "  that may have been applied (a timeout or a dropped connection after the",
    "  request was sent; a crash mid-call) is repeated once per lost answer, and",
    "  the repeat carries the line «🔁 Повтор: связь с Telegram прерывалась, это",
    "  сообщение могло уже прийти выше.» (a text gets it as its first line, a",
    "  caption in front, an album or a sticker a note right before it). A refused",
    "  connection (nothing was sent) is retried unmarked. Known limit: under a",
    "  network that stays slower than the answer timeout (every answer 16 s late",
    "  against 15 s), each lost answer brings one more marked repeat. Waiting",
    "  longer for a repeat's answer fixed that, but held the chat's queue for",
    "  minutes whenever connections kept dropping (the Telegram-faults scenario",
    "  then missed its deadline), so it was taken back.",
    "- **A crash costs seconds, not a lease.** Every instance keeps a row in",
    "  `instances` whose heartbeat it refreshes every 0.5 s on a connection of its",
    "  own, and every outbox row it leases names it (`lease_holder`). Once that",
    "  heartbeat has been silent for 2 s — SIGKILL, a crash, a lost machine —",
    "  another instance (or the restarted one) takes the rows over at once instead",
    "  of waiting out their 20 s lease, and a call that was out is repeated once,",
    "  marked, as above (scenario 9; `npm run bench -- crash` measures kill → first",
    "  message sent again). Silence is counted on the database's clock and from the",
    "  database's own start, so a PostgreSQL restart makes nobody \"gone\". A live",
    "  instance whose heartbeat cannot reach the database for 2 s (cut off, frozen)",
    "  may have its calls in flight taken over: the message then shows twice, the",
    "  second marked — the promise above, not a new kind of duplicate. Heartbeats,",
    "  not session-level advisory locks, so it works the same behind PgBouncer in",
    "  transaction mode and on the embedded database; a row whose holder is not",
    "  known still waits for its lease. Not tied to the heartbeat yet: a topic",
    "  claim (30 s, below), the 1C claims (`exclusive_claims`, 60 s) and pg-boss",
    "  jobs that were running (retried when they expire).",
    "- **A group that refuses one kind of content is not paused.** When the bot",
    "  may post text but not, say, photos (the group's permissions for members:",
    "  400 \"not enough rights to send photos to the chat\"), the refused copy goes",
    "  into the topic as text — a note saying why, the content described, its",
    "  caption — in its place in the order; the group is paused only if the text",
    "  is refused too. (Not yet a health state of its own: the note in the topic",
    "  is where managers learn it.)",
    "- **No orphan topics.** `createForumTopic` is never repeated blindly: before",
    "  the call, the dialog is claimed in the database (a conditional update — one",
    "  claim across instances); if the answer is lost the claim stays, and the",
    "  topic Telegram created is adopted from the `forum_topic_created` service",
    "  message Telegram sends the bot. A second topic is only created after the",
    "  claim runs out (30 s); a bot-created topic that no dialog owns then is",
    "  deleted (closed if deletion is refused).",
    "- **Repeating is harmless elsewhere.** Edits (a repeat answers \"message is",
    "  not modified\"), pins, reactions and reopening a topic are simply retried.",
    "- **Retries never run hot.** Every retry goes through one backoff policy",
    "  (src/jobs/outboxFailures.ts): attempts are counted and the delay doubles",
    "  from 0.5 s to 30 s; Telegram's 429 `retry_after` is a floor, never",
    "  undercut. A fault that lasts minutes costs a few calls a minute per queue.",
    "- **Decisions made once are made in the database.** Which topic a dialog has",
    "  is read from its row on every send (no per-process cache) and changed only",
    "  by conditional updates (a topic is forgotten only if it is still the one",
    "  that failed; a new one is saved only where the dialog has none). Every",
    "  topic a dialog ever had is kept (`dialog_topics`), so a manager's answer in",
    "  any of them still reaches the client.",
    "",
  );
  parts.push(
    '**Found by these scenarios and fixed** (before the fix each failed or drained far slower):',
    '',
    '- PostgreSQL restart: a connection the server dropped while a transaction held it was an unhandled',
    '  `error` event that killed the process (src/db/index.ts now listens while a client is checked out).',
    '- Outbox fairness: with more busy chats than worker slots, queues were served in name order and kept',
    '  their slot while they had work, so the managers\' topics waited until the clients\' chats ran dry;',
    '  now the queue waiting longest goes first and a queue gives its slot back after 8 calls.',
    '- Topic creation and cards inside an outbox row used grammY\'s 60 s timeout, longer than the row\'s',
    '  20 s lease: a held call stalled the dialog for a minute and, with two instances, let the other one',
    '  take the row over mid-call. They use the outbox\'s 15 s call timeout now.',
    '- After an outage every queue had backed off to 30 s; rows backing off from network failures are now',
    '  due again as soon as one call goes through.',
    '- PostgreSQL restart, once in three runs: a call Telegram had taken could not be marked sent while the',
    '  database was away, so the row went out again after its lease (a merged message twice). The outbox',
    '  now retries recording a sent call until the database is back.',
    '- Disk full: the intake job failed silently (the document just stayed pending); it now records',
    '  «Не удалось сохранить файл, попробуем ещё раз: …» on the document until a retry stores it.',
    '',
  );
  for (const result of results) {
    parts.push(`## ${result.order}. ${result.title} ${mark(result.passed ?? false)}`, '', result.setup, '', table(result), '');
    parts.push(`Drain after the fault ended: ${result.drainSeconds === null ? 'did not drain' : `${result.drainSeconds.toFixed(1)} s`}.`, '');
    if (result.callsPerMessage !== undefined) parts.push(`Bot API calls per delivered message: ${result.callsPerMessage.toFixed(2)}.`, '');
    if (result.orphanTopics !== undefined) parts.push(`Orphan topics at the end: ${result.orphanTopics} ${mark(result.orphanTopics === 0)}.`, '');
    for (const note of result.notes) parts.push(`- ${note}`);
    if (result.notes.length) parts.push('');
  }
  return parts.join('\n');
}
