/**
 * A message store on disk. Records are JSON files written atomically (temp
 * file, then rename); chunk bodies are streamed straight to files, never held
 * in memory, so a message of any size costs a few megabytes of buffers.
 *
 * Layout: <dir>/messages/<MESSAGE_ID>.json and <dir>/chunks/<MESSAGE_ID>/<n>.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StoredMessage } from '../types';
import type { MessageStore } from './message-store';

// Large buffers mean fewer syscalls and event-loop turns per gigabyte.
const BODY_BUFFER_BYTES = 1024 * 1024;

const SAFE_ID = /^[A-Za-z0-9_-]+$/;

/** A store that keeps records and bodies under `dir` and finds them again after a restart. */
export class DiskMessageStore implements MessageStore {
  private readonly messagesDir: string;
  private readonly chunksDir: string;
  // Record writes for one message are queued so an older record never lands last.
  private readonly recordWrites = new Map<string, Promise<void>>();

  constructor(
    dir: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.messagesDir = join(dir, 'messages');
    this.chunksDir = join(dir, 'chunks');
  }

  async loadMessages(): Promise<StoredMessage[]> {
    await mkdir(this.messagesDir, { recursive: true });
    await mkdir(this.chunksDir, { recursive: true });
    const names = await readdir(this.messagesDir);
    const messages: StoredMessage[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) {
        if (name.includes('.tmp-')) await unlink(join(this.messagesDir, name)).catch(() => {});
        continue;
      }
      try {
        const message = JSON.parse(await readFile(join(this.messagesDir, name), 'utf8')) as StoredMessage;
        if (typeof message.message_id === 'string' && Array.isArray(message.events)) messages.push(message);
      } catch (error) {
        this.log(`sandbox store: skipped unreadable record ${name}: ${String(error)}`);
      }
    }
    return messages;
  }

  saveMessage(message: StoredMessage): Promise<void> {
    const id = checkedId(message.message_id);
    const json = JSON.stringify(message);
    const previous = this.recordWrites.get(id) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.writeRecord(id, json));
    this.recordWrites.set(id, next);
    const forget = () => {
      if (this.recordWrites.get(id) === next) this.recordWrites.delete(id);
    };
    next.then(forget, forget);
    return next;
  }

  private async writeRecord(id: string, json: string): Promise<void> {
    const target = join(this.messagesDir, `${id}.json`);
    const temporary = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await writeFile(temporary, json);
      await rename(temporary, target);
    } catch (error) {
      await unlink(temporary).catch(() => {});
      throw error;
    }
  }

  async writeChunk(messageId: string, chunkNumber: number, source: Readable): Promise<number> {
    const dir = join(this.chunksDir, checkedId(messageId));
    await mkdir(dir, { recursive: true });
    const target = join(dir, String(chunkNumber));
    const temporary = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    const sink = createWriteStream(temporary, { highWaterMark: BODY_BUFFER_BYTES });
    try {
      await pipeline(source, sink);
      await rename(temporary, target);
    } catch (error) {
      await unlink(temporary).catch(() => {});
      throw error;
    }
    return sink.bytesWritten;
  }

  async openChunk(messageId: string, chunkNumber: number): Promise<Readable | undefined> {
    const path = join(this.chunksDir, checkedId(messageId), String(chunkNumber));
    try {
      await stat(path);
    } catch {
      return undefined;
    }
    return createReadStream(path, { highWaterMark: BODY_BUFFER_BYTES });
  }

  async deleteMessage(messageId: string): Promise<void> {
    const id = checkedId(messageId);
    await this.recordWrites.get(id)?.catch(() => {});
    await rm(join(this.messagesDir, `${id}.json`), { force: true });
    await rm(join(this.chunksDir, id), { recursive: true, force: true });
  }

  async clear(): Promise<void> {
    await Promise.all([...this.recordWrites.values()].map((write) => write.catch(() => {})));
    await rm(this.messagesDir, { recursive: true, force: true });
    await rm(this.chunksDir, { recursive: true, force: true });
    await mkdir(this.messagesDir, { recursive: true });
    await mkdir(this.chunksDir, { recursive: true });
  }
}

// Ids come from the sandbox itself, but a file path must never be built from anything else.
function checkedId(messageId: string): string {
  if (!SAFE_ID.test(messageId)) throw new Error(`unsafe message id for a file name: ${messageId}`);
  return messageId;
}
