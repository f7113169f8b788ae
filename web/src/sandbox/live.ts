/**
 * Live updates: long-polls the emulator's change feed and invalidates the
 * queries an event touches, so the page follows the bot without a refresh.
 * Typing (sendChatAction) is kept as "who is typing where" for a few seconds.
 */
import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { control, type SandboxEvent } from './api.js';

export const keys = {
  all: ['sandbox'] as const,
  users: ['sandbox', 'users'] as const,
  bots: ['sandbox', 'bots'] as const,
  chats: ['sandbox', 'chats'] as const,
  chat: (chatId: number) => ['sandbox', 'transcript', chatId] as const,
  transcript: (chatId: number, threadId?: number) => ['sandbox', 'transcript', chatId, threadId ?? null] as const,
};

/** Chat (and topic) keys → when the bot's typing shows until. */
export type TypingState = Record<string, number>;
export const typingKey = (chatId: number, threadId?: number) => `${chatId}:${threadId ?? ''}`;
const TYPING_MS = 5000;

export function useLiveEvents(): TypingState {
  const queryClient = useQueryClient();
  const [typing, setTyping] = useState<TypingState>({});

  useEffect(() => {
    const abort = new AbortController();
    let after = Number.MAX_SAFE_INTEGER;

    const apply = (events: SandboxEvent[]) => {
      let chats = false;
      const touched = new Set<number>();
      for (const event of events) {
        switch (event.type) {
          case 'user':
            void queryClient.invalidateQueries({ queryKey: keys.users });
            break;
          case 'reset':
            void queryClient.invalidateQueries({ queryKey: keys.all });
            break;
          case 'chat_action':
            if (event.chat_id !== undefined && event.data?.action === 'typing') {
              const key = typingKey(event.chat_id, event.message_thread_id);
              setTyping((state) => ({ ...state, [key]: Date.now() + TYPING_MS }));
            }
            break;
          case 'callback_query':
          case 'callback_answer':
            break;
          default:
            chats = true;
            if (event.chat_id !== undefined) touched.add(event.chat_id);
        }
        // A message from the bot ends its typing there.
        if (event.type === 'message' && event.chat_id !== undefined) {
          const key = typingKey(event.chat_id, event.message_thread_id);
          setTyping((state) => (key in state ? { ...state, [key]: 0 } : state));
        }
      }
      if (chats) void queryClient.invalidateQueries({ queryKey: keys.chats });
      for (const chatId of touched) void queryClient.invalidateQueries({ queryKey: keys.chat(chatId) });
    };

    const loop = async () => {
      // Start from "now": what happened before is in the first fetch of each query.
      while (!abort.signal.aborted) {
        try {
          if (after === Number.MAX_SAFE_INTEGER) {
            after = (await control.events(after, 0, abort.signal)).last_seq;
            // Whatever changed before the feed was joined is fetched afresh.
            void queryClient.invalidateQueries({ queryKey: keys.all });
            continue;
          }
          const { events, last_seq } = await control.events(after, 25, abort.signal);
          if (last_seq < after) {
            // The emulator restarted with an older feed: start over.
            void queryClient.invalidateQueries({ queryKey: keys.all });
          } else {
            apply(events);
          }
          after = last_seq;
        } catch {
          if (abort.signal.aborted) return;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    };
    void loop();
    return () => abort.abort();
  }, [queryClient]);

  // Typing marks fade on their own.
  useEffect(() => {
    const active = Object.values(typing).some((until) => until > Date.now());
    if (!active) return;
    const timer = setInterval(() => setTyping((state) => ({ ...state })), 1000);
    return () => clearInterval(timer);
  }, [typing]);

  return typing;
}

export const isTyping = (typing: TypingState, chatId: number, threadId?: number) => (typing[typingKey(chatId, threadId)] ?? 0) > Date.now();
