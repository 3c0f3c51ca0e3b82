import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileChoice } from '../contract/types';
import { AppError } from '../shared/errors';

export interface RegisteredFile extends Omit<FileChoice, 'fileRef'> {
  path: string;
  /** Staged copies (preview uploads) are deleted once sent; the person's own files never are. */
  staged: boolean;
}

/**
 * Files the person chose to send. The window only ever holds an opaque handle:
 * it cannot name a path on disk for main to read, so a compromised page cannot
 * send arbitrary files from the PC.
 */
export class FileRegistry {
  private readonly files = new Map<string, RegisteredFile>();

  constructor(private readonly stagingFolder: string) {}

  /** Registers a file the person picked (its path came from the preload, not the page). */
  async registerPath(path: string): Promise<FileChoice> {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new AppError({
        code: 'file-not-found',
        message: `The file ${basename(path)} could not be found. It may have been moved or deleted; choose it again.`,
        detail: String(error),
      });
    });
    if (!info.isFile())
      throw new AppError({ code: 'invalid-argument', message: `${basename(path)} is a folder, not a file. Choose a file to send.` });
    // Opening proves we can read it now, rather than failing halfway through a send.
    await open(path, 'r')
      .then((handle) => handle.close())
      .catch((error: unknown) => {
        throw new AppError({
          code: 'file-unreadable',
          message: `MESH Desktop cannot read ${basename(path)}. Check that it is not open in another program, then try again.`,
          detail: String(error),
        });
      });
    if (info.size === 0)
      throw new AppError({ code: 'invalid-argument', message: `${basename(path)} is empty. MESH does not accept empty files.` });
    return this.add({ path, name: basename(path), size: info.size, staged: false });
  }

  /** Streams an upload from the preview's browser into the staging folder and registers it. */
  async registerUpload(body: Readable, name: string): Promise<FileChoice> {
    await mkdir(this.stagingFolder, { recursive: true, mode: 0o700 });
    const id = randomUUID();
    const folder = join(this.stagingFolder, id);
    await mkdir(folder, { mode: 0o700 });
    // The browser's name is kept only as the display and MESH file name; on disk it is a fixed name.
    const path = join(folder, 'upload.bin');
    try {
      await pipeline(body, createWriteStream(path, { mode: 0o600, highWaterMark: 1024 * 1024 }));
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      const full = (error as NodeJS.ErrnoException).code === 'ENOSPC';
      throw new AppError({
        code: full ? 'disk-full' : 'disk-error',
        message: full
          ? 'There is not enough disk space to prepare this file. Free some space, then try again.'
          : 'The file could not be prepared for sending. Try again.',
        detail: String(error),
      });
    }
    const { size } = await stat(path);
    if (size === 0) {
      await rm(folder, { recursive: true, force: true });
      throw new AppError({ code: 'invalid-argument', message: `${name} is empty. MESH does not accept empty files.` });
    }
    const displayName = basename(name.replace(/\\/g, '/')).slice(0, 255) || 'file.dat';
    return this.add({ path, name: displayName, size, staged: true }, id);
  }

  /** The file behind a handle, or a clear error when the handle is unknown. */
  resolve(fileRef: string): RegisteredFile {
    const file = this.files.get(fileRef);
    if (!file) throw new AppError({ code: 'invalid-argument', message: 'The chosen file is no longer available. Choose the file again.' });
    return file;
  }

  /** Deletes a staged copy once it is no longer needed. */
  async release(fileRef: string): Promise<void> {
    const file = this.files.get(fileRef);
    this.files.delete(fileRef);
    if (file?.staged) await rm(join(file.path, '..'), { recursive: true, force: true });
  }

  private add(file: RegisteredFile, id: string = randomUUID()): FileChoice {
    this.files.set(id, file);
    return { fileRef: id, name: file.name, size: file.size };
  }
}
