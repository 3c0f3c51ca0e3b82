/**
 * Runs one `mesh-desktop` command in this process through the installed app's own
 * entry (the program's path, then the arguments, routed as the packaged app routes
 * them), capturing what it prints. The CLI tests and the audit trail's CLI tests
 * share it, so every command test goes the way an installed app's command goes.
 */
import { Writable } from 'node:stream';
import { routeLaunch, runCommand } from '../../main/cli/launch';

export interface CommandResult {
  code: number;
  out: string;
  err: string;
  /** The last line printed, as JSON (commands given --json print one object last); tests read its fields directly. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

// Stands in for process.stdout and process.stderr: a stream that is not a terminal.
function sink(append: (text: string) => void): never {
  return Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    }),
    { isTTY: false },
  ) as never;
}

export async function runInstalledCommand(args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  let out = '';
  let err = '';
  const route = routeLaunch(['C:\\Program Files\\MESH Desktop\\mesh-desktop.exe', ...args], false);
  if (route.kind !== 'command') throw new Error(`${args.join(' ')} would open the window, not run a command`);
  const code = await runCommand(route, env, { out: sink((text) => (out += text)), err: sink((text) => (err += text)) });
  return { code, out, err, json: () => JSON.parse(out.trim().split('\n').pop()!) };
}
