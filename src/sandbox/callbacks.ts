/**
 * Pending callback queries: a pressed button waits here for the bot's
 * answerCallbackQuery, so the control caller learns what the bot answered.
 * Like Telegram, a query can be answered once.
 */
export interface AnswerRecord {
  text?: string;
  show_alert?: boolean;
  url?: string;
}

interface Pending {
  botId: number;
  answered: boolean;
  resolve: (answer: AnswerRecord) => void;
}

export class CallbackQueries {
  private readonly pending = new Map<string, Pending>();
  /** Telegram's query ids are long numeric strings. */
  nextId = 1;

  /** A new query id and a promise of its answer. */
  open(botId: number): { id: string; answer: Promise<AnswerRecord> } {
    const id = String(4_200_000_000_000_000 + this.nextId++);
    const answer = new Promise<AnswerRecord>((resolve) => this.pending.set(id, { botId, answered: false, resolve }));
    return { id, answer };
  }

  /** False when the id is unknown, belongs to another bot or was answered already. */
  answer(botId: number, id: string, answer: AnswerRecord): boolean {
    const pending = this.pending.get(id);
    if (!pending || pending.botId !== botId || pending.answered) return false;
    pending.answered = true;
    pending.resolve(answer);
    return true;
  }

  clear(): void {
    this.pending.clear();
  }
}
