import type { Context } from 'grammy';
import type { Tx } from '../db/index.js';

/**
 * grammY's context plus the transaction the update is applied in: handlers
 * pass `ctx.tx` to commands, so the update's effects and its "processed" mark
 * commit together (ARCHITECTURE.md §5, exactly-once intake).
 */
export type HotlineContext = Context & {
  tx: Tx;
  /** For a private message or edit from a person: whether they are in a managers' group (groupMembership.ts, asked before the transaction). */
  groupMember?: boolean;
  /** For a button pressed in a managers' group: whether the group's admins restricted the presser from sending (groupMembership.ts). */
  groupMuted?: boolean;
};
