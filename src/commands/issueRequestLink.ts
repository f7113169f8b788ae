import { eq } from 'drizzle-orm';
import { signedUrl } from '../core/signedLink.js';
import type { Tx } from '../db/index.js';
import { clients } from '../db/schema.js';
import { inTransaction, type CommandContext } from './context.js';
import type { Dialog } from './dialogs.js';
import { ensureManagerUser } from './ensureManagerUser.js';
import { issueSignInLinkInTx } from './issueSignInLink.js';
import type { TelegramPerson } from './relayTypes.js';

/**
 * How long a `/new` link works: minutes, not a day (ARCHITECTURE §9). The
 * manager presses the button right after typing /new; a later need is a new /new.
 */
export const REQUEST_LINK_TTL_SECONDS = 10 * 60;

export interface Props {
  dialog: Dialog;
  /** The manager who typed /new. */
  manager: TelegramPerson;
}

/**
 * The `/new` link: `PUBLIC_URL/new?tg_id=<client>&dialog=…&manager=<manager's Telegram id>&token=…&exp=…&sig=…`.
 * Signed with APP_SECRET (any change to it breaks the signature), expiring in
 * REQUEST_LINK_TTL_SECONDS, and carrying a single-use token. It signs in only
 * the manager named by `manager`: the bot sends it as a `login_url` button, so
 * Telegram adds the opener's signed identity, and `POST /api/auth/link` checks
 * that it is this manager (see routes/auth.ts). Their platform user is created
 * here on first use.
 */
export async function issueRequestLink(ctx: CommandContext, props: Props, tx?: Tx): Promise<{ url: string; expiresAt: Date }> {
  return inTransaction(ctx, tx, async (tx) => {
    const [client] = await tx.db.select().from(clients).where(eq(clients.id, props.dialog.clientId));
    const manager = await ensureManagerUser(tx, props.manager);
    const link = await issueSignInLinkInTx(tx, { userId: manager.id, dialogId: props.dialog.id, ttlSeconds: REQUEST_LINK_TTL_SECONDS });
    const url = signedUrl(
      ctx.config.publicUrl,
      '/new',
      { tg_id: client!.telegramUserId, dialog: props.dialog.id, manager: props.manager.id, token: link.token },
      ctx.config.appSecret,
      REQUEST_LINK_TTL_SECONDS,
    );
    return { url, expiresAt: link.expiresAt };
  });
}
