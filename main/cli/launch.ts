// How the installed program decides what it was started for: the window, or
// one command of the command line. The packaged app has one executable, and
// RunAsNode stays fused off, so the command line runs inside the app's own
// main process (main/app/main.ts asks this module first, before any window,
// tray or single-instance lock exists).
import { COMMAND_MODULES, runCli } from './main';

/** Every command the command line has, as `mesh-desktop <name>` takes it. */
export const COMMAND_NAMES: readonly string[] = COMMAND_MODULES.flatMap((m) => m.names);

/** Words that mean help or the version, which the command line answers too. */
const CLI_WORDS = new Set(['help', '--help', '-h', 'version', '--version']);

export type LaunchRoute =
  | { kind: 'window'; userDataDir?: string }
  /** `args` go to runCli unchanged; `env` adds what the launch itself carried (a --user-data-dir). */
  | { kind: 'command'; args: string[]; env: Record<string, string> };

const USER_DATA_DIR = '--user-data-dir=';

/**
 * Reads the process's arguments. `argv` is `process.argv`; `defaultApp` is
 * Electron's `process.defaultApp`, true when started as `electron <app folder>`
 * (a checkout), where argv[1] is the app folder rather than the first argument.
 *
 * The first argument that is not a `--switch` decides: a command name (or
 * help/version) runs that command; any other bare word is a mistyped command,
 * which the command line answers with its list; anything else (no arguments,
 * Chromium switches, a path) opens the window. `--user-data-dir=DIR`, which
 * tests and IT use to give the window its own data folder, gives a command the
 * same folder.
 */
export function routeLaunch(argv: readonly string[], defaultApp: boolean): LaunchRoute {
  const args = argv.slice(defaultApp ? 2 : 1);
  const userDataDir = args.find((arg) => arg.startsWith(USER_DATA_DIR))?.slice(USER_DATA_DIR.length);
  const rest = args.filter((arg) => !arg.startsWith(USER_DATA_DIR));
  const first = rest.findIndex((arg) => !arg.startsWith('--') || CLI_WORDS.has(arg));
  const word = first === -1 ? undefined : rest[first]!;
  const isCommand = word !== undefined && (CLI_WORDS.has(word) || COMMAND_NAMES.includes(word) || /^[a-z][a-z-]*$/i.test(word));
  if (!isCommand) return userDataDir ? { kind: 'window', userDataDir } : { kind: 'window' };
  return { kind: 'command', args: rest.slice(first), env: userDataDir ? { MESH_DESKTOP_DATA_DIR: userDataDir } : {} };
}

/**
 * Runs a routed command: the one way into the command line for the installed
 * app (main/app/command-mode.ts), the checkout's `mesh-desktop` (bin/) and the
 * command-line tests alike. Returns its exit code.
 */
export function runCommand(
  route: Extract<LaunchRoute, { kind: 'command' }>,
  env: NodeJS.ProcessEnv = process.env,
  io?: Parameters<typeof runCli>[2],
): Promise<number> {
  return runCli(route.args, { ...env, ...route.env }, io);
}
