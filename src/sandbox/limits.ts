/**
 * Telegram's flood limits as token buckets: about 30 messages a second per
 * bot, one a second per private chat (with a short burst allowed), 20 a minute
 * per group. Off by default; `timeScale` shrinks every window (0.05 turns
 * "20 per minute" into "20 per 3 seconds") so tests see 429s in seconds.
 * `retry_after` is whole seconds, at least 1, as Telegram sends it.
 */
import { tooManyRequests, type ApiError } from './errors.js';

export interface LimitSettings {
  enabled: boolean;
  /** Multiplies every window; 1 = Telegram's real timing. */
  timeScale: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

interface Rule {
  capacity: number;
  perMs: number;
}

const PER_BOT: Rule = { capacity: 30, perMs: 30 / 1000 };
const PER_PRIVATE_CHAT: Rule = { capacity: 3, perMs: 1 / 1000 };
const PER_GROUP: Rule = { capacity: 20, perMs: 20 / 60_000 };

export class RateLimiter {
  settings: LimitSettings = { enabled: false, timeScale: 1 };
  private readonly buckets = new Map<string, Bucket>();

  configure(settings: Partial<LimitSettings>): LimitSettings {
    this.settings = { ...this.settings, ...settings };
    this.buckets.clear();
    return this.settings;
  }

  /**
   * Takes `cost` messages from the bot's and the chat's budget, or returns the
   * 429 to answer; a refused call takes nothing.
   */
  take(botId: number, chatKey: string, isGroup: boolean, cost = 1, now = Date.now()): ApiError | undefined {
    if (!this.settings.enabled) return undefined;
    const botBucket = this.refill(`bot:${botId}`, PER_BOT, now);
    const chatRule = isGroup ? PER_GROUP : PER_PRIVATE_CHAT;
    const chatBucket = this.refill(`chat:${botId}:${chatKey}`, chatRule, now);
    const waitMs = Math.max(this.waitMs(botBucket, PER_BOT, cost), this.waitMs(chatBucket, chatRule, cost));
    if (waitMs > 0) return tooManyRequests(Math.max(1, Math.ceil(waitMs / 1000)));
    botBucket.tokens -= cost;
    chatBucket.tokens -= cost;
    return undefined;
  }

  private refill(key: string, rule: Rule, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: rule.capacity, at: now };
      this.buckets.set(key, bucket);
    }
    const rate = rule.perMs / this.settings.timeScale;
    bucket.tokens = Math.min(rule.capacity, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    return bucket;
  }

  private waitMs(bucket: Bucket, rule: Rule, cost: number): number {
    const missing = Math.min(cost, rule.capacity) - bucket.tokens;
    return missing <= 0 ? 0 : missing / (rule.perMs / this.settings.timeScale);
  }
}
