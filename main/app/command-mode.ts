// The installed app started with a command (`mesh-desktop send …`, `run`,
// `status`): the command runs here, in the app's own main process, with no
// window, no tray and no single-instance lock, so `run` can work the folders
// while a window is open elsewhere (folder mode's own lock keeps them apart).
import { app } from 'electron';
import { runCommand, type LaunchRoute } from '../cli/launch';
import { EXIT } from '../cli/exit-codes';

/** Waits until what was written to a stream has reached the console or pipe, so the exit cuts nothing off. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.once('drain', () => resolve());
  });
}

/** Runs one command of the command line and exits with its code. */
export async function runCommandInApp(route: Extract<LaunchRoute, { kind: 'command' }>): Promise<void> {
  // Nothing is drawn: no GPU process, and no Dock icon on macOS.
  app.disableHardwareAcceleration();
  app.dock?.hide();
  let code: number;
  try {
    code = await runCommand(route, process.env);
  } catch (error) {
    process.stderr.write(`mesh-desktop: ${String(error)}\n`);
    code = EXIT.failed;
  }
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  app.exit(code);
}
