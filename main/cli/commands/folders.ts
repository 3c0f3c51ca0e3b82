// `mesh-desktop run`, `status` and `import-config`: folder mode (the NHS Java
// MESH Client's IN/OUT folders) unattended, its health, and moving from the
// Java client's meshclient.cfg.
import { readFile } from 'node:fs/promises';
import { importMeshClientConfig, requireConfig } from '../../folders/import-meshclient-cfg';
import { assessHealth, processAlive, readServiceStatus, runFolderService } from '../../folders/service';
import { createLogger } from '../../log/logger';
import { SecretStore } from '../../secrets/keychain';
import { folderModeConnections } from '../../services/folder-runner';
import { machinePolicyLoader } from '../../settings/machine-policy';
import { SettingsStore } from '../../settings/store';
import { AppError } from '../../shared/errors';
import { defaultDataFolder, logFolder } from '../../shared/paths';
import type { Command, CommandContext } from '../command';
import { EXIT } from '../exit-codes';

const DATA_DIR = { 'data-dir': { type: 'string' } } as const;

function dataFolderOf(context: CommandContext): string {
  return (context.values['data-dir'] as string | undefined) ?? defaultDataFolder(context.env);
}

/** `mesh-desktop run`: every folder-mode mailbox, headless, until SIGTERM or SIGINT. */
export const run: Command = {
  name: 'run',
  summary: 'Run folder mode (send from OUT, receive into IN) for every folder-mode mailbox until stopped',
  usage: 'mesh-desktop run [--data-dir DIR]   (stops cleanly on Ctrl+C or SIGTERM; logs go to <data folder>/logs/folder-mode.log)',
  options: { ...DATA_DIR },
  run: async (context) => {
    const dataFolder = dataFolderOf(context);
    const log = createLogger({ folder: logFolder(dataFolder), fileName: 'folder-mode.log', console: !context.json });
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    try {
      await runFolderService({
        dataFolder,
        log,
        connections: folderModeConnections,
        signal: controller.signal,
        onStarted: (mailboxes) =>
          context.print(
            mailboxes.length === 0
              ? 'No mailbox has folder mode switched on; waiting for nothing. Switch it on in settings, or use `mesh-desktop import-config`.'
              : `Folder mode running for ${mailboxes.map((m) => `${m.mailboxId} (${m.folder})`).join(', ')}. Stop with Ctrl+C.`,
            { running: true, mailboxes },
          ),
      });
    } finally {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      await log.close();
    }
    return EXIT.ok;
  },
};

/** `mesh-desktop status`: the folder-mode service's health; exit code 1 when unhealthy. */
export const status: Command = {
  name: 'status',
  summary: 'Show whether folder mode is running and healthy (exit code 1 when not)',
  usage: 'mesh-desktop status [--data-dir DIR] [--json]',
  options: { ...DATA_DIR },
  run: async (context) => {
    const current = await readServiceStatus(dataFolderOf(context));
    const health = assessHealth(current, new Date(), processAlive);
    const lines = [health.healthy ? 'Folder mode is running and healthy.' : 'Folder mode needs attention:'];
    for (const reason of health.reasons) lines.push(`  - ${reason}`);
    for (const mailbox of current?.mailboxes ?? []) {
      lines.push(
        `${mailbox.mailboxId} (${mailbox.folder}): last inbox check ${mailbox.lastPollAt ?? 'not yet'}; ` +
          `${mailbox.waitingInOut} waiting in OUT, ${mailbox.sending} sending; since start ${mailbox.sentSinceStart} sent, ` +
          `${mailbox.receivedSinceStart} received, ${mailbox.failedSinceStart} failed.`,
      );
    }
    context.print(lines.join('\n'), { ...health, status: current ?? null });
    return health.healthy ? EXIT.ok : EXIT.failed;
  },
};

/** `mesh-desktop import-config <meshclient.cfg>`: the Java client's mailboxes as folder-mode profiles. */
export const importConfig: Command = {
  name: 'import-config',
  summary: "Import the NHS Java MESH Client's meshclient.cfg: its mailboxes, in folder mode on the same folders",
  usage: 'mesh-desktop import-config <path to meshclient.cfg> [--data-dir DIR]',
  options: { ...DATA_DIR },
  run: async (context) => {
    const file = context.positionals[0];
    if (!file)
      throw new AppError({
        code: 'invalid-argument',
        message: 'Give the path of meshclient.cfg, e.g. mesh-desktop import-config "C:\\MESH-APP-HOME\\meshclient.cfg".',
      });
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new AppError({ code: 'file-not-found', message: `Could not read ${file}. Check the path.`, detail: String(error) });
    }
    const config = requireConfig(text);
    const dataFolder = dataFolderOf(context);
    const { result: policy } = await machinePolicyLoader({ env: context.env })();
    const store = await SettingsStore.open(dataFolder, { policy });
    const report = await importMeshClientConfig(config, store, new SecretStore());
    const lines = [
      report.imported.length > 0
        ? `Imported ${report.imported.map((i) => `${i.mailboxId} (folder mode on ${i.folder})`).join(', ')}.`
        : 'No mailbox was imported.',
      ...report.skipped.map((s) => `Skipped ${s.mailboxId}: ${s.reason}`),
      ...(report.needsPerson.length > 0 ? ['', 'Still to do:', ...report.needsPerson.map((step) => `- ${step}`)] : []),
    ];
    context.print(lines.join('\n'), report);
    return report.imported.length > 0 ? EXIT.ok : EXIT.failed;
  },
};

/** Every folder-mode command, for main/cli/main.ts. */
export const folderCommands: Command[] = [run, status, importConfig];
