/**
 * Live updates for open pages: commands publish after commit, the platform's
 * SSE route subscribes. In-process; one instance sees its own commands.
 * A request's events name their audience; the stream checks, event by event,
 * that its viewer is still signed in and in that audience (policies/access.ts).
 */
import { EventEmitter } from 'node:events';
import type { Audience } from '../policies/access.js';

export interface LiveMessage {
  /** e.g. `request:42`, `dialog:7`, `dialogs`. */
  channel: string;
  /** What changed: `message`, `terms`, `status`, `offer`, `document`… */
  type: string;
  data?: unknown;
  /**
   * Who of a request's viewers gets it (`request:<id>` channels). Missing
   * means the deal room only: an event nobody classified never leaks.
   */
  audience?: Audience;
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
