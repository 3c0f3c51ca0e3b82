import type { EventName } from '../contract/channels';
import type { EventPayloads } from '../contract/schemas';

export type EventListener = <E extends EventName>(name: E, payload: EventPayloads[E]) => void;

/** Typed fan-out of events from services to whichever windows are connected. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(name: E, payload: EventPayloads[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch {
        // One broken window must not stop the others from hearing about progress.
      }
    }
  }

  /** Adds a listener for every event; returns the function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
