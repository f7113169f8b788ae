import { describe, expect, it } from 'vitest';
import type { Api } from 'grammy';
import type { ChatMember } from '@grammyjs/types';
import { GroupMembership, MEMBERSHIP_RETRY_MS, MEMBERSHIP_TTL_MS } from './groupMembership.js';

const GROUP = -100;
const restricted = { status: 'restricted', is_member: true, can_send_messages: false, user: { id: 5 } } as unknown as ChatMember;
const plain = { status: 'member', user: { id: 5 } } as unknown as ChatMember;

/** A Bot API that answers getChatMember with `member()` (throws when it throws) and getChat with members allowed to send. */
function fakeApi(member: () => ChatMember): Api {
  return {
    getChatMember: async () => member(),
    getChat: async () => ({ permissions: { can_send_messages: true } }),
  } as unknown as Api;
}

function membership() {
  const clock = { ms: 1_000 };
  const failures: string[] = [];
  const kept = new GroupMembership(
    () => [GROUP],
    (question) => failures.push(question),
    () => clock.ms,
  );
  return { kept, clock, failures };
}

describe('GroupMembership', () => {
  it('keeps an answer MEMBERSHIP_TTL_MS, then asks Telegram again', async () => {
    const { kept, clock } = membership();
    const api = fakeApi(() => plain);
    expect(await kept.isMember(api, 5)).toBe(true);
    expect(await kept.isMember(api, 5)).toBe(true);
    expect(kept.asked).toBe(1);
    clock.ms += MEMBERSHIP_TTL_MS + 1;
    expect(await kept.isMember(api, 5)).toBe(true);
    expect(kept.asked).toBe(2);
  });

  it('a muted member whose answer expired stays muted while Telegram does not answer, and is asked again after MEMBERSHIP_RETRY_MS', async () => {
    const { kept, clock, failures } = membership();
    kept.noteMuted(GROUP, 5, true);
    const down = fakeApi(() => {
      throw new Error('timeout');
    });
    expect(await kept.isMuted(down, GROUP, 5)).toBe(true);
    expect(kept.asked).toBe(0);
    clock.ms += MEMBERSHIP_TTL_MS + 1;
    expect(await kept.isMuted(down, GROUP, 5)).toBe(true);
    expect(kept.asked).toBe(1);
    expect(failures).toHaveLength(1);
    expect(await kept.isMuted(down, GROUP, 5)).toBe(true);
    expect(kept.asked).toBe(1);
    clock.ms += MEMBERSHIP_RETRY_MS + 1;
    expect(await kept.isMuted(fakeApi(() => plain), GROUP, 5)).toBe(false);
    expect(kept.asked).toBe(3); // getChatMember, then getChat for the group's defaults
  });

  it('a forgotten answer asks Telegram again instead of taking the member for one who may act', async () => {
    const { kept } = membership();
    kept.noteMuted(GROUP, 5, false);
    kept.forgetMuted(GROUP, 5);
    expect(await kept.isMuted(fakeApi(() => restricted), GROUP, 5)).toBe(true);
    expect(kept.asked).toBe(1);
  });
});
