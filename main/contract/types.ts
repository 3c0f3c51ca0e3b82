/**
 * The data that crosses between main and the window. Plain, serialisable
 * objects only: no class instances, no functions, and never a secret.
 */
import type { AppErrorShape } from '../shared/errors';

export type { AppErrorShape };

/** Every request resolves to a Reply: errors are values the UI must handle. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

export type Unsubscribe = () => void;

export type Environment = 'INT' | 'DEP' | 'LIVE' | 'TRAINING' | 'CUSTOM';

export interface AppInfo {
  productName: string;
  version: string;
  /** How the window is connected to main: inside Electron, or the browser preview. */
  shell: 'electron' | 'preview';
  platform: string;
  dataFolder: string;
  electronVersion?: string;
  nodeVersion: string;
}

export interface MailboxSummary {
  /** The local profile id (not the MESH mailbox id). */
  id: string;
  mailboxId: string;
  displayName: string;
  environment: Environment;
  /** Set by machine policy: the person cannot remove or change it. */
  managed: boolean;
}

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}
