/**
 * `/find text` in the managers' group: the platform's search
 * (src/commands/search.ts, as the manager who typed it — our staff see
 * clients and dialogs) answered in a few lines: each client with a link to
 * their topic, each request with a link to its page, the best hits under
 * them with the match in bold; and a link to all results on the platform.
 * One message, within Telegram's 4096 characters (Bot API, sendMessage:
 * "Text of the message to be sent, 1-4096 characters after entities parsing").
 */
import type { Db } from '../db/index.js';
import type { CommandContext } from '../commands/context.js';
import { botText, MANAGERS_LOCALE } from '../commands/botTexts.js';
import { search, type SearchGroup, type SearchHit } from '../commands/search.js';
import { escapeHtml } from '../core/html.js';
import { readSearchQuery } from '../core/searchText.js';
import { topicLink } from '../core/topicLink.js';
import type { Viewer } from '../policies/access.js';

/** Groups listed in the answer; hits under each. */
const GROUPS = 5;
const HITS_PER_GROUP = 2;
/** Room left under Telegram's 4096 for the header and the closing link. */
const BODY_MAX = 3500;

/** `text` as Telegram HTML with `ranges` in bold, everything escaped. */
export function markedHtml(text: string, ranges: ReadonlyArray<readonly [number, number]>): string {
  let html = '';
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    html += `${escapeHtml(text.slice(at, start))}<b>${escapeHtml(text.slice(start, end))}</b>`;
    at = end;
  }
  return html + escapeHtml(text.slice(at));
}

const ICONS: Record<SearchHit['kind'], string> = { client: '👤', message: '💬', request: '📄', document: '📎', post: '🗨' };

/** The answer to `/find …` (Telegram HTML): `argument` is what follows the command. */
export async function findAnswer(ctx: CommandContext, db: Db, manager: Viewer, argument: string): Promise<string> {
  const t = (key: string, variables?: Record<string, string | number>) => botText(MANAGERS_LOCALE, key, variables);
  if (!argument.trim()) return t('manager-find-how');
  const read = readSearchQuery(argument);
  if (!read.ok) return t('manager-find-refused', { reason: escapeHtml(read.error) });
  const query = read.query;
  const groups = await search(db, manager, query, { limit: 20 });
  const shownQuery = escapeHtml(query.text);
  if (!groups.length) return t('manager-find-none', { query: shownQuery });

  const blocks: string[] = [];
  let length = 0;
  for (const group of groups.slice(0, GROUPS)) {
    const block = [groupLine(ctx, group, t), ...group.hits.slice(0, HITS_PER_GROUP).map((hit) => `${ICONS[hit.kind]} ${markedHtml(hit.text, hit.ranges)}`)].join('\n');
    if (length + block.length > BODY_MAX) break;
    blocks.push(block);
    length += block.length + 2;
  }
  const all = `${ctx.config.publicUrl}/search?q=${encodeURIComponent(query.text)}`;
  return [
    t('manager-find-header', { query: shownQuery, count: groups.length }),
    ...blocks,
    t('manager-find-all', { url: escapeHtml(all), more: Math.max(0, groups.length - blocks.length) }),
  ].join('\n\n');
}

/** The group's title line: the client and their topic, or the request and its page. */
function groupLine(ctx: CommandContext, group: SearchGroup, t: (key: string, variables?: Record<string, string | number>) => string): string {
  if (group.client) {
    const name = `<b>${escapeHtml(group.client.name)}</b>${group.client.username ? ` @${escapeHtml(group.client.username)}` : ''}`;
    if (!group.topic) return name;
    const url = topicLink(ctx.config, group.topic.managersChatId, group.topic.topicId);
    return `${name} — <a href="${escapeHtml(url)}">${t('manager-find-topic')}</a>`;
  }
  if (group.requestId !== null) {
    const url = `${ctx.config.publicUrl}/requests/${group.requestId}`;
    return `<a href="${escapeHtml(url)}">${t('manager-find-request', { number: escapeHtml(group.requestNumber ?? String(group.requestId)) })}</a>`;
  }
  return '—';
}
