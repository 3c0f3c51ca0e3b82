// `mesh-desktop service install|uninstall|status`: sets up folder mode to run
// unattended, the way docs/deploying.md used to describe by hand: a Task
// Scheduler task at start-up on Windows, a systemd user unit on Linux.
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { Command, CommandContext } from '../command';
import { EXIT } from '../exit-codes';
import {
  schtasksCreateArgs,
  serviceProgram,
  SYSTEMD_UNIT_NAME,
  systemdUserUnit,
  WINDOWS_TASK_NAME,
  windowsTaskXml,
} from '../service-setup';

/** What the command needs of the system; tests stand in for Windows here. */
export interface ServiceSystem {
  platform: NodeJS.Platform;
  /** Runs a program; `interactive` lets it talk to the person (schtasks asks for the account's password). */
  run(program: string, args: string[], interactive?: boolean): Promise<{ code: number; output: string }>;
  program(): ReturnType<typeof serviceProgram>;
  /** The current account as DOMAIN\user (Windows) or user name. */
  account(env: NodeJS.ProcessEnv): string;
}

function runProgram(program: string, args: string[], interactive = false): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: interactive ? 'inherit' : ['ignore', 'pipe', 'pipe'], windowsHide: !interactive });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: -1, output: error.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

const realSystem: ServiceSystem = {
  platform: process.platform,
  run: runProgram,
  program: () => serviceProgram(process.execPath, process.argv, process.versions, process.env),
  account: (env) =>
    process.platform === 'win32' ? `${env.USERDOMAIN ?? '.'}\\${env.USERNAME ?? userInfo().username}` : userInfo().username,
};

function usage(message: string): AppError {
  return new AppError({ code: 'invalid-argument', message });
}

function unitPath(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'systemd', 'user', SYSTEMD_UNIT_NAME);
}

async function windows(context: CommandContext, system: ServiceSystem, action: string): Promise<number> {
  if (action === 'status') {
    const query = await system.run('schtasks', ['/Query', '/TN', WINDOWS_TASK_NAME, '/V', '/FO', 'LIST']);
    if (query.code !== 0) {
      context.print(`There is no "${WINDOWS_TASK_NAME}" task: run mesh-desktop service install.`, { installed: false });
      return EXIT.notFound;
    }
    context.print(query.output.trim(), { installed: true, task: WINDOWS_TASK_NAME, details: query.output.trim() });
    return EXIT.ok;
  }
  // `net session` answers only an administrator: the plainest check Windows has without a native module.
  if ((await system.run('net', ['session'])).code !== 0) {
    throw new AppError({
      code: 'permission-denied',
      message:
        'Setting up the start-up task needs an administrator. Open Command Prompt with "Run as administrator", then run this command again.',
    });
  }
  if (action === 'uninstall') {
    const removed = await system.run('schtasks', ['/Delete', '/TN', WINDOWS_TASK_NAME, '/F']);
    if (removed.code !== 0) {
      context.print(`There was no "${WINDOWS_TASK_NAME}" task to remove.`, { removed: false });
      return EXIT.notFound;
    }
    context.print(`Removed the "${WINDOWS_TASK_NAME}" task. Folder mode no longer starts with Windows.`, { removed: true });
    return EXIT.ok;
  }
  const account = (context.values.account as string | undefined) ?? system.account(context.env);
  const dataFolder = context.values['data-dir'] as string | undefined;
  const xmlFile = join(tmpdir(), `mesh-desktop-task-${process.pid}.xml`);
  // Task Scheduler reads its XML as UTF-16, as it writes it.
  const xml = windowsTaskXml({ program: system.program(), account, ...(dataFolder ? { dataFolder } : {}) });
  await writeFile(xmlFile, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]));
  try {
    context.progress(`Windows will ask for the password of ${account}, so the task can start before anyone signs in.`);
    const created = await system.run('schtasks', schtasksCreateArgs(xmlFile, account), true);
    if (created.code !== 0) {
      throw new AppError({
        code: 'permission-denied',
        message: `Task Scheduler did not create the task (schtasks exit code ${created.code}). Check the account name and its password, then try again.`,
        detail: created.output,
      });
    }
  } finally {
    await rm(xmlFile, { force: true });
  }
  context.print(
    [
      `Created the "${WINDOWS_TASK_NAME}" task: folder mode starts a minute after Windows starts, as ${account}, with no time limit, and restarts a minute after a failure.`,
      `Its mailboxes and passwords are those of ${account}: sign in as that account once to add them (or run import-config as it).`,
      'Check on it with: mesh-desktop status',
    ].join('\n'),
    { installed: true, task: WINDOWS_TASK_NAME, account },
  );
  return EXIT.ok;
}

async function linux(context: CommandContext, system: ServiceSystem, action: string): Promise<number> {
  const file = unitPath(context.env);
  const user = system.account(context.env);
  const systemctl = (...args: string[]) => system.run('systemctl', ['--user', ...args]);
  if (action === 'status') {
    const enabled = await systemctl('is-enabled', SYSTEMD_UNIT_NAME);
    const active = await systemctl('is-active', SYSTEMD_UNIT_NAME);
    const state = { unit: file, enabled: enabled.output.trim() || 'unknown', active: active.output.trim() || 'unknown' };
    context.print(`${SYSTEMD_UNIT_NAME} (${file}): ${state.enabled}, ${state.active}`, state);
    return enabled.code === 0 ? EXIT.ok : EXIT.notFound;
  }
  if (action === 'uninstall') {
    await systemctl('disable', '--now', SYSTEMD_UNIT_NAME);
    await rm(file, { force: true });
    await systemctl('daemon-reload');
    context.print(`Removed ${file}. Folder mode no longer starts with your session.`, { removed: true, unit: file });
    return EXIT.ok;
  }
  const dataFolder = context.values['data-dir'] as string | undefined;
  try {
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, systemdUserUnit({ program: system.program(), ...(dataFolder ? { dataFolder } : {}) }));
  } catch (error) {
    throw new AppError({
      code: 'permission-denied',
      message: `MESH Desktop could not write ${file}. Run this as the account that will run folder mode, in its own home folder.`,
      detail: String(error),
      cause: error,
    });
  }
  const reloaded = await systemctl('daemon-reload');
  const started = reloaded.code === 0 ? await systemctl('enable', '--now', SYSTEMD_UNIT_NAME) : reloaded;
  const linger = `To keep it running when ${user} is not logged in, and to start it at boot, an administrator runs once: sudo loginctl enable-linger ${user}`;
  if (started.code !== 0) {
    context.print(
      [
        `Wrote ${file}, but systemd could not start it now (${started.output.trim() || `exit code ${started.code}`}).`,
        `From a login session of ${user}, run: systemctl --user daemon-reload && systemctl --user enable --now ${SYSTEMD_UNIT_NAME}`,
        linger,
      ].join('\n'),
      { installed: true, started: false, unit: file },
    );
    return EXIT.ok;
  }
  context.print(
    [
      `Wrote ${file} and started it: folder mode runs now and whenever ${user}'s session starts.`,
      linger,
      'Check on it with: mesh-desktop status',
    ].join('\n'),
    { installed: true, started: true, unit: file },
  );
  return EXIT.ok;
}

/** The `service` command over a given system (the real one, or a stand-in in tests). */
export function serviceCommand(system: ServiceSystem): Command {
  return {
    name: 'service',
    summary: 'Set folder mode up to run unattended: a start-up task on Windows, a systemd user unit on Linux',
    usage: [
      'mesh-desktop service install [--account DOMAIN\\user] [--data-dir DIR]   (Windows: from an administrator prompt)',
      'mesh-desktop service uninstall',
      'mesh-desktop service status',
    ].join('\n'),
    options: { 'data-dir': { type: 'string' }, account: { type: 'string' } },
    run: async (context) => {
      const [action] = context.positionals;
      if (action !== 'install' && action !== 'uninstall' && action !== 'status') {
        throw usage('Say what to do: mesh-desktop service install | uninstall | status.');
      }
      if (system.platform === 'win32') return windows(context, system, action);
      if (system.platform === 'linux') return linux(context, system, action);
      throw usage('mesh-desktop service sets up Windows and Linux; on macOS use a launchd agent that runs mesh-desktop run.');
    },
  };
}

export const service = serviceCommand(realSystem);
