/**
 * A message store in process memory: records live only in the mailroom's
 * index, bodies as the list of buffers they arrived in (never concatenated).
 * Meant for tests and short sessions; large messages belong in the disk store.
 */
import { Readable } from 'node:stream';
import type { MessageStore } from './message-store';

/** A store that forgets everything when the process ends. */
export class MemoryMessageStore implements MessageStore {
  private readonly chunks = new Map<string, Map<number, Buffer[]>>();

  async loadMessages() {
    return [];
  }

  async saveMessage(): Promise<void> {}

  async writeChunk(messageId: string, chunkNumber: number, source: Readable): Promise<number> {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const part of source) {
      const buffer = Buffer.isBuffer(part) ? part : Buffer.from(part as Uint8Array);
      parts.push(buffer);
      size += buffer.length;
    }
    let message = this.chunks.get(messageId);
    if (!message) {
      message = new Map();
      this.chunks.set(messageId, message);
    }
    message.set(chunkNumber, parts);
    return size;
  }

  async openChunk(messageId: string, chunkNumber: number): Promise<Readable | undefined> {
    const parts = this.chunks.get(messageId)?.get(chunkNumber);
    return parts ? Readable.from(parts, { objectMode: false }) : undefined;
  }

  async deleteMessage(messageId: string): Promise<void> {
    this.chunks.delete(messageId);
  }

  async clear(): Promise<void> {
    this.chunks.clear();
  }
}
