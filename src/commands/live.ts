/**
 * Live updates for open pages: commands publish after commit, the platform's
 * SSE route subscribes. In-process; one instance sees its own commands.
 */
import { EventEmitter } from 'node:events';

export interface LiveMessage {
  /** e.g. `request:42`, `dialog:7`, `dialogs`. */
  channel: string;
  /** What changed: `message`, `terms`, `status`, `offer`, `document`… */
  type: string;
  data?: unknown;
}

export class LiveBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(message: LiveMessage): void {
    this.emitter.emit(message.channel, message);
  }

  /** Returns the function that unsubscribes. */
  subscribe(channel: string, listener: (message: LiveMessage) => void): () => void {
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }
}
