// What `mesh-desktop service install` writes: a Windows Task Scheduler task
// that starts folder mode at boot, or a systemd user unit on Linux. Both are
// built here as text by pure functions, so they can be read and checked where
// neither Windows nor a user systemd is running.

import { COMMAND_LINE_V8_FLAGS, ELECTRON_JS_FLAGS_SWITCH } from './v8-flags';

/** The task's name in Task Scheduler, and the unit's name under systemd. */
export const WINDOWS_TASK_NAME = 'MESH Desktop folder mode';
export const SYSTEMD_UNIT_NAME = 'mesh-desktop-folders.service';

/** How to start the command line: the program and the arguments before the command. */
export interface ServiceProgram {
  program: string;
  args: string[];
}

/**
 * The program to put in the task or unit. The installed app is its own
 * command line (an AppImage is started through its file, which mounts it);
 * from a checkout it is Node running the checkout's bin script.
 */
export function serviceProgram(
  execPath: string,
  argv: readonly string[],
  versions: NodeJS.ProcessVersions,
  env: NodeJS.ProcessEnv,
): ServiceProgram {
  // The command line's V8 flags (v8-flags.ts): as Electron's switch for the app, as Node's flags for a checkout,
  // whose bin gives them on its first line, which a unit cannot use.
  if (env.APPIMAGE) return { program: env.APPIMAGE, args: [ELECTRON_JS_FLAGS_SWITCH] };
  if (versions.electron) return { program: execPath, args: [ELECTRON_JS_FLAGS_SWITCH] };
  return { program: execPath, args: [...COMMAND_LINE_V8_FLAGS, argv[1]!] };
}

function xmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Quotes one argument for a Windows command line (the MSVCRT rules the app's executable reads it by). */
export function quoteWindowsArgument(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

export interface WindowsTaskOptions {
  program: ServiceProgram;
  /** The data folder, when not the account's own. */
  dataFolder?: string;
  /** DOMAIN\user the task runs as: the account whose Credential Manager holds the mailbox passwords. */
  account: string;
}

/**
 * Task Scheduler XML (schema 1.2) for `schtasks /Create /XML`: starts at boot
 * whether or not anyone signs in, never stopped for running long, restarted
 * every minute after a failure, one copy at a time, and on battery too.
 */
export function windowsTaskXml({ program, dataFolder, account }: WindowsTaskOptions): string {
  const args = [...program.args, 'run', ...(dataFolder ? ['--data-dir', dataFolder] : [])].map(quoteWindowsArgument).join(' ');
  return [
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
    '  <RegistrationInfo>',
    `    <URI>\\${xmlText(WINDOWS_TASK_NAME)}</URI>`,
    '    <Description>Runs MESH Desktop folder mode (the NHS MESH Client folders IN and OUT) from start-up. Created by mesh-desktop service install.</Description>',
    '  </RegistrationInfo>',
    '  <Triggers>',
    '    <BootTrigger>',
    '      <Enabled>true</Enabled>',
    // The network and the account's credentials are ready a little after boot.
    '      <Delay>PT1M</Delay>',
    '    </BootTrigger>',
    '  </Triggers>',
    '  <Principals>',
    '    <Principal id="Author">',
    `      <UserId>${xmlText(account)}</UserId>`,
    '      <LogonType>Password</LogonType>',
    '      <RunLevel>LeastPrivilege</RunLevel>',
    '    </Principal>',
    '  </Principals>',
    '  <Settings>',
    '    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>',
    '    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>',
    '    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>',
    '    <AllowHardTerminate>true</AllowHardTerminate>',
    '    <StartWhenAvailable>true</StartWhenAvailable>',
    '    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>',
    '    <IdleSettings>',
    '      <StopOnIdleEnd>false</StopOnIdleEnd>',
    '      <RestartOnIdle>false</RestartOnIdle>',
    '    </IdleSettings>',
    '    <AllowStartOnDemand>true</AllowStartOnDemand>',
    '    <Enabled>true</Enabled>',
    '    <Hidden>false</Hidden>',
    '    <RunOnlyIfIdle>false</RunOnlyIfIdle>',
    '    <WakeToRun>false</WakeToRun>',
    // PT0S: no time limit (the default stops a task after three days).
    '    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>',
    '    <Priority>7</Priority>',
    '    <RestartOnFailure>',
    '      <Interval>PT1M</Interval>',
    '      <Count>999</Count>',
    '    </RestartOnFailure>',
    '  </Settings>',
    '  <Actions Context="Author">',
    '    <Exec>',
    `      <Command>${xmlText(program.program)}</Command>`,
    `      <Arguments>${xmlText(args)}</Arguments>`,
    '    </Exec>',
    '  </Actions>',
    '</Task>',
    '',
  ].join('\r\n');
}

/** schtasks.exe's arguments to create the task from `xmlFile`; `/RP *` makes schtasks ask for the password itself. */
export function schtasksCreateArgs(xmlFile: string, account: string): string[] {
  return ['/Create', '/TN', WINDOWS_TASK_NAME, '/XML', xmlFile, '/RU', account, '/RP', '*', '/F'];
}

/** Quotes one word of a systemd ExecStart line: `%` doubled, and quotes around anything with spaces or quotes. */
export function quoteSystemdArgument(arg: string): string {
  const escaped = arg.replace(/%/g, '%%');
  if (escaped !== '' && !/[\s"'\\;$]/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '$$$$')}"`;
}

/** The systemd user unit: folder mode from login (or from boot, with lingering), restarted after a failure. */
export function systemdUserUnit({ program, dataFolder }: { program: ServiceProgram; dataFolder?: string }): string {
  const exec = [program.program, ...program.args, 'run', ...(dataFolder ? ['--data-dir', dataFolder] : [])].map(quoteSystemdArgument);
  return [
    '# Written by mesh-desktop service install; mesh-desktop service uninstall removes it.',
    '[Unit]',
    'Description=MESH Desktop folder mode',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec.join(' ')}`,
    'Restart=on-failure',
    'RestartSec=30',
    '# SIGTERM lets the engine stop at a safe point; give a send in progress time to get MESH’s answer.',
    'KillSignal=SIGTERM',
    'TimeoutStopSec=60',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}
