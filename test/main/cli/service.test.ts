// `mesh-desktop service`: the Task Scheduler task and the systemd unit it
// writes, checked as text (and by systemd-analyze where it exists), the Linux
// set-up run for real in a temporary home, and the Windows steps with Windows
// stood in (there is no schtasks here).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { routeLaunch, runCommand } from '../../../main/cli/launch';
import { EXIT } from '../../../main/cli/exit-codes';
import { serviceCommand, type ServiceSystem } from '../../../main/cli/commands/service';
import {
  quoteSystemdArgument,
  schtasksCreateArgs,
  serviceProgram,
  SYSTEMD_UNIT_NAME,
  systemdUserUnit,
  windowsTaskXml,
} from '../../../main/cli/service-setup';
import type { CommandContext } from '../../../main/cli/command';
import { ELECTRON_JS_FLAGS_SWITCH } from '../../../main/cli/v8-flags';
import { commandLineToArgv } from '../../support/windows-command-line';

const EXE = { program: 'C:\\Program Files\\MESH Desktop\\mesh-desktop.exe', args: [] };
const work = mkdtempSync(join(tmpdir(), 'mesh-service-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the Windows start-up task', () => {
  const xml = windowsTaskXml({ program: EXE, account: 'TRUST\\svc-mesh', dataFolder: 'D:\\MESH data\\folder mode' });
  const task = new XMLParser({ parseTagValue: false }).parse(xml).Task;

  it('is well-formed Task Scheduler XML', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task"');
  });

  it('starts folder mode at boot as the account, with no time limit, restarting after a failure', () => {
    expect(task.Triggers.BootTrigger.Enabled).toBe('true');
    expect(task.Principals.Principal).toMatchObject({ UserId: 'TRUST\\svc-mesh', LogonType: 'Password', RunLevel: 'LeastPrivilege' });
    expect(task.Settings).toMatchObject({
      ExecutionTimeLimit: 'PT0S',
      MultipleInstancesPolicy: 'IgnoreNew',
      DisallowStartIfOnBatteries: 'false',
      StopIfGoingOnBatteries: 'false',
      RestartOnFailure: { Interval: 'PT1M', Count: '999' },
    });
    expect(task.Actions.Exec).toEqual({ Command: EXE.program, Arguments: 'run --data-dir "D:\\MESH data\\folder mode"' });
  });

  it("starts the installed app with the command line's V8 flags as one switch, and the app still routes it to folder mode", () => {
    const program = serviceProgram(EXE.program, [EXE.program, 'service', 'install'], { electron: '41.10.0' } as never, {});
    const installed = new XMLParser({ parseTagValue: false }).parse(windowsTaskXml({ program, account: 'TRUST\\svc-mesh' })).Task;
    const argv = commandLineToArgv(`"${installed.Actions.Exec.Command}" ${installed.Actions.Exec.Arguments}`);
    expect(argv.slice(1)).toEqual([ELECTRON_JS_FLAGS_SWITCH, 'run']);
    expect(routeLaunch(argv, false)).toEqual({ kind: 'command', args: ['run'], env: {} });
  });

  it('is created by schtasks, which asks for the password itself', () => {
    expect(schtasksCreateArgs('C:\\t.xml', 'TRUST\\svc-mesh')).toEqual([
      '/Create',
      '/TN',
      'MESH Desktop folder mode',
      '/XML',
      'C:\\t.xml',
      '/RU',
      'TRUST\\svc-mesh',
      '/RP',
      '*',
      '/F',
    ]);
  });
});

describe('the systemd user unit', () => {
  it.each([
    ['plain', 'plain'],
    ['/opt/MESH Desktop/mesh-desktop', '"/opt/MESH Desktop/mesh-desktop"'],
    ['100%', '100%%'],
    ['a"b$HOME', '"a\\"b$$HOME"'],
  ])('quotes %j as %s', (arg, quoted) => expect(quoteSystemdArgument(arg)).toBe(quoted));

  it('runs the program that installed it: the app, an AppImage, or Node with the checkout’s bin', () => {
    expect(serviceProgram('/opt/MESH Desktop/mesh-desktop', ['x', 'service'], { electron: '41.10.0' } as never, {})).toEqual({
      program: '/opt/MESH Desktop/mesh-desktop',
      args: ['--js-flags=--initial-heap-size=64 --max-semi-space-size=2'],
    });
    expect(serviceProgram('/tmp/.mount/AppRun', [], { electron: '41.10.0' } as never, { APPIMAGE: '/home/a/MESH.AppImage' })).toEqual({
      program: '/home/a/MESH.AppImage',
      args: ['--js-flags=--initial-heap-size=64 --max-semi-space-size=2'],
    });
    expect(serviceProgram('/usr/bin/node', ['/usr/bin/node', '/repo/bin/mesh-desktop.mjs'], {} as never, {})).toEqual({
      program: '/usr/bin/node',
      args: ['--initial-heap-size=64', '--max-semi-space-size=2', '/repo/bin/mesh-desktop.mjs'],
    });
  });

  it.runIf(existsSync('/usr/bin/systemd-analyze'))('passes systemd-analyze verify with no warning', () => {
    const unit = join(work, SYSTEMD_UNIT_NAME);
    writeFileSync(
      unit,
      systemdUserUnit({
        program: { program: process.execPath, args: ['--initial-heap-size=64', '--max-semi-space-size=2', '/repo/bin/x.mjs'] },
        dataFolder: join(work, 'a b'),
      }),
    );
    const verify = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stderr).not.toMatch(/Unknown|ignoring|Invalid/i);
  });
});

/** Runs `mesh-desktop …` through the installed app's route, returning its code and output. */
async function cli(args: string[], env: NodeJS.ProcessEnv) {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    Object.assign(new Writable({ write: (chunk, _e, done) => (append(String(chunk)), done()) }), { isTTY: false });
  const route = routeLaunch(['mesh-desktop', ...args], false);
  if (route.kind !== 'command') throw new Error('not a command');
  const code = await runCommand(route, env, { out: sink((s) => (out += s)) as never, err: sink((s) => (err += s)) as never });
  return { code, out, err };
}

describe('mesh-desktop service on Linux, for real in a temporary home', () => {
  const env = { PATH: process.env.PATH, XDG_CONFIG_HOME: join(work, 'config') };
  const unit = join(work, 'config', 'systemd', 'user', SYSTEMD_UNIT_NAME);

  it.runIf(process.platform === 'linux')('writes the user unit, says the lingering step, and removes it again', async () => {
    const installed = await cli(['service', 'install'], env);
    expect(installed.code, installed.err).toBe(EXIT.ok);
    expect(readFileSync(unit, 'utf8')).toMatch(/^ExecStart=.* run$/m);
    expect(installed.out).toContain(`Wrote ${unit}`);
    expect(installed.out).toMatch(/sudo loginctl enable-linger \S+/);
    const status = await cli(['service', 'status', '--json'], env);
    expect(JSON.parse(status.out)).toMatchObject({ unit });
    const removed = await cli(['service', 'uninstall'], env);
    expect(removed.code).toBe(EXIT.ok);
    expect(existsSync(unit)).toBe(false);
  });

  it('refuses an unknown action with the usage', async () => {
    const result = await cli(['service', 'start'], env);
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toContain('install | uninstall | status');
  });
});

describe('mesh-desktop service on Windows, with Windows stood in', () => {
  function standIn(admin: boolean) {
    const calls: { program: string; args: string[]; xml?: string }[] = [];
    const system: ServiceSystem = {
      platform: 'win32',
      program: () => EXE,
      account: () => 'TRUST\\alex',
      run: async (program, args) => {
        const xmlAt = args.indexOf('/XML');
        // The XML file exists only while schtasks runs: read it as schtasks would, UTF-16 with its byte-order mark.
        const xml = xmlAt === -1 ? undefined : readFileSync(args[xmlAt + 1]!).toString('utf16le');
        calls.push({ program, args, ...(xml ? { xml } : {}) });
        if (program === 'net') return { code: admin ? 0 : 2, output: admin ? '' : 'System error 5 has occurred. Access is denied.' };
        return { code: 0, output: 'SUCCESS' };
      },
    };
    return { calls, command: serviceCommand(system) };
  }
  const context = (positionals: string[], values: CommandContext['values'] = {}) => {
    const printed: string[] = [];
    const ctx: CommandContext = { values, positionals, json: false, env: {}, print: (h) => printed.push(h), progress: () => {} };
    return { ctx, printed };
  };

  it('refuses without an administrator prompt, saying how to get one', async () => {
    const { command, calls } = standIn(false);
    await expect(command.run(context(['install']).ctx)).rejects.toMatchObject({
      code: 'permission-denied',
      message: expect.stringContaining('Run as administrator'),
    });
    expect(calls.map((c) => c.program)).toEqual(['net']);
  });

  it('creates the task from its XML as the account given, and removes it', async () => {
    const { command, calls } = standIn(true);
    const { ctx, printed } = context(['install'], { account: 'TRUST\\svc-mesh' });
    expect(await command.run(ctx)).toBe(EXIT.ok);
    const create = calls.find((c) => c.args[0] === '/Create')!;
    expect(create.program).toBe('schtasks');
    expect(create.args).toEqual(expect.arrayContaining(['/RU', 'TRUST\\svc-mesh', '/RP', '*']));
    expect(create.xml).toMatch(/^\uFEFF?<\?xml version="1.0" encoding="UTF-16"\?>/);
    expect(create.xml).toContain('<UserId>TRUST\\svc-mesh</UserId>');
    expect(printed.join('\n')).toContain('restarts a minute after a failure');

    expect(await command.run(context(['uninstall']).ctx)).toBe(EXIT.ok);
    expect(calls.at(-1)!.args).toEqual(['/Delete', '/TN', 'MESH Desktop folder mode', '/F']);
  });
});
