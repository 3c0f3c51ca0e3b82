// `mesh-desktop.cmd`, the Windows command wrapper: the files the installers
// carry are the ones the generator writes, and arguments reach the app as the
// caller gave them, read the way cmd.exe and the app read a command line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeLaunch } from '../../../main/cli/launch';
import { COMMAND_LINE_V8_FLAGS, ELECTRON_JS_FLAGS_SWITCH } from '../../../main/cli/v8-flags';
import { windowsCommandWrapper, windowsWrapperFiles } from '../../../main/cli/windows-wrapper';
import { cmdBatchLine, commandLineToArgv, quoteWindowsArg } from '../../support/windows-command-line';

const root = join(__dirname, '..', '..', '..');
const INSTALL = 'C:\\Program Files\\MESH Desktop\\';

/** What the app's process sees when `args` are given to the wrapper in `folder`. */
function throughWrapper(args: string[], folder = `${INSTALL}bin\\`, wrapper = windowsCommandWrapper('..\\mesh-desktop.exe')): string[] {
  const lines = wrapper.split('\r\n');
  const launch = lines.find((line) => line.includes('%*'))!;
  return commandLineToArgv(cmdBatchLine(launch, args.map(quoteWindowsArg).join(' '), folder));
}

describe('the Windows command wrapper', () => {
  it('ships as generated, beside the executable and in bin\\, with CRLF line ends', () => {
    for (const [name, text] of Object.entries(windowsWrapperFiles('mesh-desktop'))) {
      expect(readFileSync(join(root, 'resources', 'windows', name), 'utf8'), `resources/windows/${name}`).toBe(text);
      expect(text).not.toMatch(/[^\r]\n/);
    }
  });

  it('starts the executable from its own folder, waits, and hands back the exit code', () => {
    const text = windowsCommandWrapper('..\\mesh-desktop.exe');
    expect(text.split('\r\n')).toEqual(
      expect.arrayContaining([
        '@echo off',
        'setlocal DisableDelayedExpansion',
        '"%~dp0..\\mesh-desktop.exe" "--js-flags=--initial-heap-size=64 --max-semi-space-size=2" %*',
        'exit /b %ERRORLEVEL%',
      ]),
    );
    // No `start`: cmd.exe would not wait for the app.
    expect(text).not.toMatch(/^start\b/im);
    expect(throughWrapper(['status'])[0]).toBe(`${INSTALL}bin\\..\\mesh-desktop.exe`);
    expect(throughWrapper(['status'], INSTALL, windowsCommandWrapper('mesh-desktop.exe'))[0]).toBe(`${INSTALL}mesh-desktop.exe`);
  });

  it.each([
    [['send', '--to', 'X26ABC2', '--workflow', 'PATH_RESULTS', 'C:\\Users\\alex\\My Documents\\results.csv']],
    [['send', '--subject', 'Discharge summary for "Ward 7"', 'a.csv']],
    [['send', '--subject', '50% done, 100%% sure, %PATH% stays', 'a.csv']],
    [['send', '--subject', 'caret ^ and ^^ and a^b', 'a.csv']],
    [['send', '--subject', 'Smith & Jones | <urgent> ^ "quoted" 10%', 'a.csv']],
    [['download', 'MSG-1', '--out', 'D:\\MESH\\In\\']],
    [['send', '--subject', '', 'C:\\trailing slash\\']],
    [['send', '--subject', 'Récépissé — ü 日本', '\\\\fileserver\\share\\x.csv']],
    [['mailbox', 'add', '--name', 'O\'Brien "Practice" \\"odd\\"']],
  ])('passes %j through unchanged, after the V8 flags, to the command it names', (args) => {
    const argv = throughWrapper(args);
    expect(argv.slice(1)).toEqual([ELECTRON_JS_FLAGS_SWITCH, ...args]);
    // The app routes the launch as the command, with the command's arguments alone.
    expect(routeLaunch(argv, false)).toEqual({ kind: 'command', args, env: {} });
  });

  it("gives the executable the command line's V8 flags as one switch, the way Electron reads --js-flags", () => {
    expect(throughWrapper(['status'])[1]).toBe('--js-flags=--initial-heap-size=64 --max-semi-space-size=2');
    expect(ELECTRON_JS_FLAGS_SWITCH).toBe(`--js-flags=${COMMAND_LINE_V8_FLAGS.join(' ')}`);
  });

  it('would lose an unquoted caret, which is why arguments with ^ & | < > must be quoted (the model can fail)', () => {
    const line = windowsCommandWrapper('mesh-desktop.exe')
      .split('\r\n')
      .find((l) => l.includes('%*'))!;
    expect(commandLineToArgv(cmdBatchLine(line, 'send a^b', INSTALL)).slice(2)).toEqual(['send', 'ab']);
    expect(() => cmdBatchLine(line, 'send a&b', INSTALL)).toThrow(/split the line/);
  });
});
