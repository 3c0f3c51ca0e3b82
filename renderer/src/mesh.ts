import type { MeshApi, Reply } from '../../main/contract';
import type { AppErrorShape } from '../../main/contract/types';

declare global {
  interface Window {
    /** The typed contract with main, from Electron's preload or the preview bridge. */
    readonly mesh: MeshApi;
  }
}

/** The bridge to main. Everything the window does outside itself goes through here. */
export function mesh(): MeshApi {
  if (!window.mesh) throw new Error('MESH Desktop could not connect to its background service. Restart the app.');
  return window.mesh;
}

/** An error from main, thrown by `unwrap` so stores can use try/catch. */
export class MeshCallError extends Error {
  readonly shape: AppErrorShape;
  constructor(shape: AppErrorShape) {
    super(shape.message);
    this.name = 'MeshCallError';
    this.shape = shape;
  }
}

/** Returns the value of a successful reply, or throws its error for a person to read. */
export function unwrap<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.value;
  throw new MeshCallError(reply.error);
}

/** The message to show for anything caught in the window: never a stack trace. */
export function messageFor(error: unknown): string {
  if (error instanceof MeshCallError) return error.message;
  return 'Something went wrong in MESH Desktop. Try again; if it keeps happening, restart the app.';
}
