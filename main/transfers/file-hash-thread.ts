/**
 * The checksum of a whole file worked out on a thread of its own, which reads the file itself. A large send's
 * SHA-256 used to be fed from the stream on its way to the socket, so every block waited on the main thread for its
 * hash before it could be written: per GiB, about 0.7 s of the sending thread's 2.5 s. Handing blocks to a thread
 * cost more than it saved (the copies and the messages); a thread that reads the file from the page cache needs
 * neither, and leaves the sending thread the same work as the simplest client's.
 */
import { Worker } from 'node:worker_threads';
import type { ChecksumAlgorithm } from './checksum';

/** What the thread read: the digest, and the file's size and modification time once it had read it all. */
export interface FileHashResult {
  hex: string;
  size: number;
  mtimeMs: number;
}

/** Below this a thread costs more to start (tens of milliseconds) than hashing the file inline. */
export const FILE_HASH_THREAD_MIN_BYTES = 32 * 1024 * 1024;

// Run with eval, so there is nothing to bundle or unpack from the app's archive; getBuiltinModule works whether Node
// reads it as a script or as a module (a worker inherits the parent's --input-type). Synchronous reads are the
// cheapest way through a file on a thread that has nothing else to do.
const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { createHash } = process.getBuiltinModule('node:crypto');
const fs = process.getBuiltinModule('node:fs');
let fd;
try {
  fd = fs.openSync(workerData.path, 'r');
  const hash = createHash(workerData.algorithm);
  const block = Buffer.allocUnsafe(workerData.blockSize);
  for (let position = 0; ; ) {
    const read = fs.readSync(fd, block, 0, block.length, position);
    if (read === 0) break;
    hash.update(read === block.length ? block : block.subarray(0, read));
    position += read;
  }
  const info = fs.fstatSync(fd);
  parentPort.postMessage({ hex: hash.digest('hex'), size: info.size, mtimeMs: info.mtimeMs });
} catch (error) {
  parentPort.postMessage({ error: { message: String(error && error.message), code: error && error.code } });
} finally {
  if (fd !== undefined) fs.closeSync(fd);
}
`;

type WorkerAnswer = FileHashResult | { error: { message: string; code?: string } };

/**
 * Starts hashing path on its own thread. Rejects with the file's error (its `code` kept, for the caller's file
 * message), or with signal's reason once aborted (the thread is stopped at once, so it cannot keep the process up).
 */
export function hashFileOnThread(
  path: string,
  algorithm: ChecksumAlgorithm,
  options: { signal?: AbortSignal; blockSize?: number } = {},
): Promise<FileHashResult> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<FileHashResult>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, algorithm, blockSize: options.blockSize ?? 1024 * 1024 },
    });
    const onAbort = (): void => {
      settle(() => reject(signal?.reason));
      void worker.terminate();
    };
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      finish();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (answer: WorkerAnswer) =>
      settle(() => {
        if ('error' in answer) reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }));
        else resolve(answer);
      }),
    );
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the hashing thread stopped (exit code ${code})`))));
  });
}
