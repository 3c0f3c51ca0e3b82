// The `mesh-desktop` command line: the same services as the app, for scripts,
// servers and people who prefer a terminal.
import { parseArgs } from 'node:util';
import { toAppError } from '../shared/errors';
import { APP_VERSION } from '../shared/version';
import type { Command, CommandContext } from './command';
import { REFUSED_SECRET_FLAGS } from './connection';
import { EXIT, exitCodeFor } from './exit-codes';

/**
 * Each command's module, loaded only when that command runs. Every run of `mesh-desktop` paid for parsing and
 * starting all of them (the folder service, certificate tooling, the XML parser, the app's services): ≈ 0.1 s
 * before a `download` or `send` even connected, and scripts run these commands in loops.
 */
export const COMMAND_MODULES = [
  {
    names: ['handshake', 'inbox', 'download', 'ack', 'send', 'receive', 'track', 'lookup', 'workflows'],
    load: async () => (await import('./commands/protocol')).protocolCommands,
  },
  {
    names: ['mailbox', 'cert'],
    load: async () => {
      const { mailbox, cert } = await import('./commands/mailboxes');
      return [mailbox, cert];
    },
  },
  { names: ['run', 'status', 'import-config'], load: async () => (await import('./commands/folders')).folderCommands },
  { names: ['service'], load: async () => [(await import('./commands/service')).service] },
  { names: ['audit'], load: async () => [(await import('./commands/audit')).audit] },
] as const satisfies readonly { names: readonly string[]; load: () => Promise<Command[]> }[];

async function loadCommand(name: string): Promise<Command | undefined> {
  const module = COMMAND_MODULES.find((m) => (m.names as readonly string[]).includes(name));
  return (await module?.load())?.find((c) => c.name === name);
}

async function allCommands(): Promise<Command[]> {
  return (await Promise.all(COMMAND_MODULES.map((m) => m.load()))).flat();
}

async function help(): Promise<string> {
  const commands = await allCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `MESH Desktop ${APP_VERSION} — send and receive files through an NHS MESH mailbox.`,
    '',
    'Usage: mesh-desktop <command> [options]   (mesh-desktop <command> --help for details)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Add --json to any command for machine-readable output.',
    `Exit codes: ${EXIT.ok} done, ${EXIT.usage} usage error, ${EXIT.authentication} authentication or certificate problem, ${EXIT.notFound} not found, ${EXIT.transient} temporary failure (try again later), ${EXIT.failed} other failure.`,
  ].join('\n');
}

/** Runs one command line and returns the exit code. Exported for tests. */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  const fail = (error: unknown) => {
    const appError = toAppError(error);
    if (json) io.out.write(`${JSON.stringify({ ok: false, error: appError.toShape() })}\n`);
    else io.err.write(`mesh-desktop: ${appError.message}\n`);
    if (appError.code === 'internal' && appError.detail && env.MESH_DESKTOP_DEBUG) io.err.write(`${appError.detail}\n`);
    return exitCodeFor(appError.code, appError.transient);
  };

  if (!name || name === '--help' || name === 'help' || name === '-h') {
    io.out.write(`${await help()}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === 'version') {
    io.out.write(`${APP_VERSION}\n`);
    return EXIT.ok;
  }
  const command = await loadCommand(name);
  if (!command) {
    io.err.write(`mesh-desktop: there is no command "${name}".\n\n${await help()}\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out.write(`${command.summary}.\n\nUsage: ${command.usage}\n`);
    return EXIT.ok;
  }
  const refused = rest.find((arg) => REFUSED_SECRET_FLAGS.some((flag) => arg === `--${flag}` || arg.startsWith(`--${flag}=`)));
  if (refused) {
    io.err.write(
      `mesh-desktop: for safety, secrets are not accepted on the command line (they would be visible to other programs and kept in shell history). ` +
        `Set MESH_PASSWORD, MESH_SHARED_KEY, MESH_KEY_PASSPHRASE or MESH_PFX_PASSPHRASE instead.\n`,
    );
    return EXIT.usage;
  }

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    io.err.write(`mesh-desktop: ${(error as Error).message.replace(/^.*?: /, '')}\n\nUsage: ${command.usage}\n`);
    return EXIT.usage;
  }
  const context: CommandContext = {
    values: parsed.values as CommandContext['values'],
    positionals: parsed.positionals,
    json,
    env,
    print: (human, data) => io.out.write(json ? `${JSON.stringify(data)}\n` : `${human}\n`),
    progress: (line) => {
      if (!json && io.err.isTTY) io.err.write(`\r${line}\x1b[K`);
    },
  };
  try {
    const code = await command.run(context);
    if (!json && io.err.isTTY) io.err.write('\r\x1b[K');
    return typeof code === 'number' ? code : EXIT.ok;
  } catch (error) {
    if (!json && io.err.isTTY) io.err.write('\n');
    return fail(error);
  }
}

// Run when executed as the bin (not when imported by tests).
if (process.argv[1] && /cli\.(m?js|ts)$/.test(process.argv[1])) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`mesh-desktop: ${String(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
