import { closeSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { redact, redactText } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, detail?: Record<string, unknown>): void;
  info(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
  error(message: string, detail?: Record<string, unknown>): void;
  /** A logger that adds `scope` to every line. */
  child(scope: string): Logger;
  /** The most recent lines, already redacted, for "copy diagnostics". */
  recent(count?: number): string[];
  close(): Promise<void>;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Folder for rotating log files; omit to log to stderr only. */
  folder?: string;
  fileName?: string;
  maxFileBytes?: number;
  keepFiles?: number;
  /** Also write to stderr (the command line and preview do; Electron does not). */
  console?: boolean;
}

/**
 * One JSON line per event, redacted before it is written, rotated by size so a
 * PC that runs for months never fills its disk with logs.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const maxBytes = options.maxFileBytes ?? 5 * 1024 * 1024;
  const keep = options.keepFiles ?? 5;
  const ring: string[] = [];
  // Lines are written synchronously: a log line is small, and a crash must not
  // lose the lines that explain it, nor race a rotation against a pending write.
  let fd: number | undefined;
  let written = 0;
  const filePath = options.folder ? join(options.folder, options.fileName ?? 'mesh-desktop.log') : undefined;

  const open = () => {
    if (!filePath || !options.folder) return;
    mkdirSync(options.folder, { recursive: true });
    fd = openSync(filePath, 'a', 0o600);
    written = fstatSync(fd).size;
  };

  const rotate = () => {
    if (!filePath || fd === undefined) return;
    closeSync(fd);
    for (let i = keep - 1; i >= 1; i--) {
      try {
        renameSync(i === 1 ? filePath : `${filePath}.${i - 1}`, `${filePath}.${i}`);
      } catch {
        // A missing older file is normal for a young installation.
      }
    }
    open();
  };

  open();

  const write = (scope: string | undefined, lvl: LogLevel, message: string, detail?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level: lvl };
    if (scope) entry.scope = scope;
    entry.message = redactText(message);
    if (detail) entry.detail = redact(detail);
    const line = JSON.stringify(entry);
    ring.push(line);
    if (ring.length > 500) ring.shift();
    if (options.console) process.stderr.write(`${line}\n`);
    if (fd !== undefined) {
      const bytes = Buffer.from(`${line}\n`);
      if (written > 0 && written + bytes.length > maxBytes) rotate();
      try {
        writeSync(fd, bytes);
        written += bytes.length;
      } catch {
        // A full or vanished log disk must not stop transfers.
      }
    }
  };

  const make = (scope?: string): Logger => ({
    debug: (m, d) => write(scope, 'debug', m, d),
    info: (m, d) => write(scope, 'info', m, d),
    warn: (m, d) => write(scope, 'warn', m, d),
    error: (m, d) => write(scope, 'error', m, d),
    child: (s) => make(scope ? `${scope}.${s}` : s),
    recent: (count = 200) => ring.slice(-count),
    close: async () => {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
    },
  });
  return make();
}

/** A logger that drops everything; for unit tests of code that requires one. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
  recent: () => [],
  close: async () => {},
};
