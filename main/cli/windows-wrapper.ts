// The Windows command wrapper, `mesh-desktop.cmd`. The app's executable is a
// Windows (GUI) program: cmd.exe does not wait for one typed at its prompt,
// so its exit code would be lost and its output would land after the next
// prompt. A batch file is waited on by cmd.exe and by PowerShell (which runs
// it through cmd.exe /c), and the executable writes to the console it was
// started from (Electron attaches to its parent's console), so the wrapper
// only has to start it with the same arguments and hand back its exit code.
//
// Two copies ship: one beside the executable, for scripts that give the full
// path, and one in `bin\`, the folder the installers can put on PATH. `bin\`
// holds no .exe, so `mesh-desktop` typed at a prompt finds the wrapper and not
// the executable, which PATHEXT would otherwise try first.

import { ELECTRON_JS_FLAGS_SWITCH } from './v8-flags';

/**
 * The wrapper's text, CRLF line ends as cmd.exe expects. `exeFromWrapper` is
 * the executable's path relative to the wrapper's own folder (`%~dp0`).
 *
 * `%*` is the arguments exactly as the caller's shell passed them, and what
 * `%*` expands to is not expanded again, so `%` in an argument survives.
 * Delayed expansion is switched off so `!` does too. cmd.exe reads the
 * expanded line once more for `^ & | < >`, so an argument holding those must
 * be in double quotes, as cmd.exe already asks of any command.
 *
 * The command line's V8 flags go first, as Electron's --js-flags switch
 * (v8-flags.ts): the installed app reads them only from its own command line.
 */
export function windowsCommandWrapper(exeFromWrapper: string): string {
  return [
    '@echo off',
    'rem MESH Desktop command line: mesh-desktop COMMAND [options]   (mesh-desktop --help lists the commands)',
    'rem Starts the app with the command, waits for it, and returns its exit code. See docs\\deploying.md.',
    'setlocal DisableDelayedExpansion',
    `"%~dp0${exeFromWrapper}" "${ELECTRON_JS_FLAGS_SWITCH}" %*`,
    'exit /b %ERRORLEVEL%',
    '',
  ].join('\r\n');
}

/** The wrappers the Windows installers carry, by path inside the install folder. */
export function windowsWrapperFiles(executableName: string): Record<string, string> {
  return {
    'mesh-desktop.cmd': windowsCommandWrapper(`${executableName}.exe`),
    'bin/mesh-desktop.cmd': windowsCommandWrapper(`..\\${executableName}.exe`),
  };
}
