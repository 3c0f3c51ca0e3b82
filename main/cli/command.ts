import type { ParseArgsConfig } from 'node:util';

/** What a command gets: parsed flags, positionals and a way to print. */
export interface CommandContext {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  json: boolean;
  env: NodeJS.ProcessEnv;
  /** Prints a result: `human` as text, or `data` as one JSON document with --json. */
  print(human: string, data: unknown): void;
  /** Progress for people (stderr); silent with --json. */
  progress(line: string): void;
}

/** One `mesh-desktop <name>` command. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(context: CommandContext): Promise<number | void>;
}

/** The flags every protocol command accepts. */
export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  env: { type: 'string' },
  mailbox: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  pfx: { type: 'string' },
  ca: { type: 'string', multiple: true },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const CONNECTION_USAGE =
  'Connection: --url URL | --env INT|DEP|LIVE, --mailbox ID, --cert FILE --key FILE | --pfx FILE, --ca FILE (repeatable).\n' +
  'Secrets come from the environment only: MESH_PASSWORD, MESH_SHARED_KEY, MESH_KEY_PASSPHRASE, MESH_PFX_PASSPHRASE.\n' +
  'Each flag also has a variable: MESH_URL, MESH_ENV, MESH_MAILBOX, MESH_CERT, MESH_KEY, MESH_PFX, MESH_CA (comma-separated).';
