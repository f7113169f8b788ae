/**
 * A link that opens a client's topic: Telegram's `https://t.me/c/<chat>/<topic>`
 * for a private supergroup (its id without the `-100` prefix; Telegram's
 * "Message links" for private groups), or the sandbox page with that group and
 * topic open when Telegram is the built-in emulator — the same form as the
 * platform's «Открыть тему в Telegram» (src/platform/routes/offers.ts).
 */
export function topicLink(where: { sandbox: boolean; publicUrl: string }, managersChatId: number, topicId: number): string {
  if (where.sandbox) return `${where.publicUrl}/sandbox?chat=${managersChatId}&topic=${topicId}`;
  return `https://t.me/c/${String(managersChatId).replace(/^-100/, '')}/${topicId}`;
}
