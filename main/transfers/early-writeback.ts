/**
 * Starts putting a download's bytes on disk while they are still arriving.
 *
 * Each chunk is flushed before it is recorded, and the file is only saved once its last chunk is flushed. Left
 * alone, the operating system keeps gigabytes of a download in memory (Linux starts writing at 10% of RAM), so
 * that flush had a whole chunk — with two chunks on the wire, up to two — to write, and the last one held up the
 * end of every download by 100–150 ms with nothing else to do. Asking for a flush every few MB as bytes arrive
 * spreads the same writing over the transfer; the flush before each record still decides what is durable, so
 * nothing here changes what a crash or a power cut can leave behind.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** How many bytes may arrive before the next background flush starts. */
export const EARLY_WRITEBACK_BYTES = 16 * 1024 * 1024;

export class EarlyWriteback {
  private handle: Promise<FileHandle> | undefined;
  /** Bytes handed to the file since the last flush started. */
  private unflushed = 0;
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly options: {
      everyBytes?: number;
      /** A flush failed: only worth a log line, as the flush before each record reports it if it persists. */
      onError?: (error: unknown) => void;
      /** How a flush is done (its data, not its times); replaceable so tests can count them. */
      sync?: (handle: FileHandle) => Promise<void>;
    } = {},
  ) {}

  /** Notes bytes handed to the file; starts a flush in the background once enough have gathered and none is running. */
  wrote(bytes: number): void {
    this.unflushed += bytes;
    if (this.closed || this.flushing || this.unflushed < (this.options.everyBytes ?? EARLY_WRITEBACK_BYTES)) return;
    this.unflushed = 0;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
    });
  }

  private async flush(): Promise<void> {
    try {
      this.handle ??= open(this.path, 'r+');
      const handle = await this.handle.catch((error: unknown) => {
        this.handle = undefined; // opened again at the next flush
        throw error;
      });
      await (this.options.sync ? this.options.sync(handle) : handle.datasync());
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /** Stops starting flushes, waits for the one running and closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await handle.then((h) => h.close()).catch(() => {});
  }
}
