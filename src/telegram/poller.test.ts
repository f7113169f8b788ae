/**
 * chainsOf: which updates of a getUpdates batch are applied one after another
 * (src/telegram/poller.ts). A chat's updates keep their order; a forum's
 * topics go side by side unless the chat has an update outside a topic in the
 * batch.
 */
import { describe, expect, it } from 'vitest';
import type { Update } from '@grammyjs/types';
import { chainsOf } from './poller.js';

const GROUP = -1001;
let nextId = 1;
function inTopic(thread: number, text: string): Update {
  return {
    update_id: nextId++,
    message: { message_id: nextId, date: 0, chat: { id: GROUP, type: 'supergroup', title: 'M', is_forum: true }, message_thread_id: thread, is_topic_message: true, text },
  } as Update;
}
function fromClient(chat: number, text: string): Update {
  return { update_id: nextId++, message: { message_id: nextId, date: 0, chat: { id: chat, type: 'private', first_name: 'C' }, text } } as Update;
}
const texts = (chains: Update[][]) => chains.map((chain) => chain.map((u) => (u.message as { text: string }).text));

describe('chainsOf', () => {
  it('a forum whose updates are all in topics: one chain per topic, each in order; clients each their own', () => {
    const batch = [inTopic(10, 'a1'), fromClient(5, 'c1'), inTopic(20, 'b1'), inTopic(10, 'a2'), fromClient(5, 'c2'), inTopic(20, 'b2')];
    expect(texts(chainsOf(batch))).toEqual([['a1', 'a2'], ['b1', 'b2'], ['c1', 'c2']]);
  });

  it('an update outside a topic (the General topic, a member change, a reaction) keeps the whole chat one chain, in order', () => {
    const general = { update_id: nextId++, message: { message_id: 1, date: 0, chat: { id: GROUP, type: 'supergroup', title: 'M', is_forum: true }, text: 'g' } } as Update;
    const member = { update_id: nextId++, chat_member: { chat: { id: GROUP, type: 'supergroup', title: 'M' }, from: { id: 7 }, date: 0 } } as unknown as Update;
    for (const outside of [general, member]) {
      const batch = [inTopic(10, 'a1'), outside, inTopic(20, 'b1'), inTopic(10, 'a2')];
      const chains = chainsOf(batch);
      expect(chains).toHaveLength(1);
      expect(chains[0]!.map((u) => u.update_id)).toEqual(batch.map((u) => u.update_id));
    }
  });

  it('a command reaching beyond its topic (/shift, /assign, /find, /help, an unknown one) keeps the chat one chain; topic-local ones (/hold, /close, /t) do not', () => {
    for (const command of ['/shift off', '/assign @oleg', '/find договор', '/help', '/whatever', '/shift@hotline_bot on']) {
      const batch = [inTopic(10, 'a1'), inTopic(10, '/shift on'), inTopic(20, command)];
      const chains = chainsOf(batch);
      expect(chains).toHaveLength(1);
      expect(chains[0]!.map((u) => u.update_id)).toEqual(batch.map((u) => u.update_id));
    }
    const local = [inTopic(10, 'a1'), inTopic(10, '/hold'), inTopic(20, '/close'), inTopic(30, '/t привет'), inTopic(20, '/rate 12.5')];
    expect(texts(chainsOf(local))).toEqual([['a1', '/hold'], ['/close', '/rate 12.5'], ['/t привет']]);
  });

  it("a private chat's topics stay one chain: a client's messages all go to one dialog, in order", () => {
    const privateTopic = (thread: number, text: string) =>
      ({
        update_id: nextId++,
        message: { message_id: nextId, date: 0, chat: { id: 77, type: 'private', first_name: 'C' }, message_thread_id: thread, is_topic_message: true, text },
      }) as Update;
    const batch = [privateTopic(1, 'p1'), privateTopic(2, 'p2'), privateTopic(1, 'p3')];
    expect(texts(chainsOf(batch))).toEqual([['p1', 'p2', 'p3']]);
  });

  it('a manager whose username changed within the batch keeps the chat one chain: the last username typed is the one stored', () => {
    const by = (update: Update, username: string) => {
      (update.message as { from?: unknown }).from = { id: 42, is_bot: false, first_name: 'M', username };
      return update;
    };
    const batch = [by(inTopic(10, 'a1'), 'maria_x'), by(inTopic(20, 'b1'), 'maria_y')];
    expect(chainsOf(batch)).toHaveLength(1);
    const same = [by(inTopic(10, 'a1'), 'maria'), by(inTopic(20, 'b1'), 'maria')];
    expect(chainsOf(same)).toHaveLength(2);
  });
});
