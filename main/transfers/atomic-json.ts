import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../shared/atomic-file';

export { syncFolder } from '../shared/atomic-file';

/**
 * Replaces filePath with the JSON of value so that after a crash or power cut
 * a reader finds the old content or the new, never a mix.
 */
export async function writeJsonAtomic(filePath: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true });
  await writeFileAtomic(filePath, JSON.stringify(value));
}

/** Reads a JSON file; undefined when it does not exist. Unparseable content throws. */
export async function readJson(filePath: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as unknown;
}

/**
 * Serialises writes per key: the latest value always wins and two renames for
 * the same file never race. Callers await their own write.
 */
export class WriteQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs write after every earlier write for key has finished (successfully or not). */
  run(key: string, write: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(write);
    const tail = next.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves when every queued write has finished. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
