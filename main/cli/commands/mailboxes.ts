// `mesh-desktop mailbox …` and `mesh-desktop cert …`: the same services and
// checks as the window's Settings, for IT scripts and for servers.
import { join } from 'node:path';
import type { ConnectionTestResult, MailboxSummary, NewMailboxInput } from '../../contract/types';
import { inspectCertificate } from '../../certs/inspect';
import { createLogger } from '../../log/logger';
import { createAppServices } from '../../services/app-services';
import { AppError } from '../../shared/errors';
import { defaultDataFolder, logFolder } from '../../shared/paths';
import type { Command, CommandContext } from '../command';
import { formatTable } from '../format';

/** Runs one request through the same validating dispatcher the window uses. */
async function withServices<T>(
  context: CommandContext,
  use: (call: <R>(name: string, ...args: unknown[]) => Promise<R>) => Promise<T>,
): Promise<T> {
  const dataFolder = (context.values['data-dir'] as string | undefined) ?? defaultDataFolder(context.env);
  const log = createLogger({ folder: logFolder(dataFolder) });
  const services = await createAppServices({ shell: 'preview', dataFolder, log, background: false, auditVia: 'command-line' });
  try {
    return await use(async <R>(name: string, ...args: unknown[]) => {
      const reply = await services.dispatch(name, args);
      if (!reply.ok) throw new AppError(reply.error);
      return reply.value as R;
    });
  } finally {
    await services.shutdown();
    await log.close();
  }
}

const DATA_DIR = { 'data-dir': { type: 'string' } } as const;

function usage(message: string): AppError {
  return new AppError({ code: 'invalid-argument', message });
}

function certificateInput(context: CommandContext): NewMailboxInput['certificate'] {
  const { cert, key, pfx } = context.values as { cert?: string; key?: string; pfx?: string };
  const passphrase = context.env.MESH_KEY_PASSPHRASE ?? context.env.MESH_PFX_PASSPHRASE;
  if (pfx && (cert || key)) throw usage('Give either --pfx or --cert with --key, not both.');
  if (pfx) return { kind: 'pfx', path: pfx, ...(passphrase ? { passphrase } : {}) };
  if (cert || key) {
    if (!cert || !key) throw usage('Give both --cert (the certificate) and --key (its private key).');
    return { kind: 'pem', certificatePath: cert, keyPath: key, ...(passphrase ? { passphrase } : {}) };
  }
  return undefined;
}

function describeTest(result: ConnectionTestResult): string {
  const mark = { passed: 'ok  ', failed: 'FAIL', 'not-reached': '--  ' } as const;
  return [result.summary, ...result.steps.map((s) => `  ${mark[s.outcome]} ${s.step}: ${s.message}`)].join('\n');
}

export const mailbox: Command = {
  name: 'mailbox',
  summary: 'Add, list, remove or test the mailboxes saved on this computer',
  usage: [
    'mesh-desktop mailbox list',
    'mesh-desktop mailbox add --env INT|DEP|LIVE|CUSTOM [--url URL] --mailbox ID --name "Display name" (--cert FILE --key FILE | --pfx FILE) [--folder DIR] [--manual-ack]',
    '    the password comes from MESH_PASSWORD, the shared secret from MESH_SHARED_KEY, a key or PFX passphrase from MESH_KEY_PASSPHRASE',
    'mesh-desktop mailbox remove <profile-id | mailbox-id>',
    'mesh-desktop mailbox test <profile-id | mailbox-id>',
    'All take --data-dir DIR to use another data folder.',
  ].join('\n'),
  options: {
    ...DATA_DIR,
    env: { type: 'string' },
    url: { type: 'string' },
    mailbox: { type: 'string' },
    name: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    pfx: { type: 'string' },
    folder: { type: 'string' },
    'manual-ack': { type: 'boolean' },
  },
  run: async (context) => {
    const [action, target] = context.positionals;
    const find = (list: MailboxSummary[]) => {
      const found = list.find((m) => m.id === target || m.mailboxId === target?.toUpperCase());
      if (!found)
        throw new AppError({
          code: 'not-configured',
          message: `There is no mailbox "${target ?? ''}" on this computer. See \`mesh-desktop mailbox list\`.`,
        });
      return found;
    };
    switch (action) {
      case 'list': {
        const list = await withServices(context, (call) => call<MailboxSummary[]>('listMailboxes'));
        context.print(
          list.length === 0
            ? 'No mailboxes are set up on this computer.'
            : formatTable(
                ['id', 'mailbox', 'name', 'environment', 'status'],
                list.map((m) => [m.id, m.mailboxId, m.displayName, m.environment, m.unusableReason ?? m.certificate?.warning ?? 'ready']),
              ),
          list,
        );
        return;
      }
      case 'add': {
        const env = (context.values.env as string | undefined)?.toUpperCase();
        if (!env) throw usage('Say which environment: --env INT, DEP, LIVE or CUSTOM (with --url).');
        const mailboxId = context.values.mailbox as string | undefined;
        if (!mailboxId) throw usage('Give the mailbox ID: --mailbox X26ABC1.');
        const password = context.env.MESH_PASSWORD;
        if (!password) throw usage('Set the mailbox password in MESH_PASSWORD (it is never accepted on the command line).');
        const certificate = certificateInput(context);
        const input = {
          environment: env,
          mailboxId,
          displayName: (context.values.name as string | undefined) ?? mailboxId,
          password,
          ...(context.env.MESH_SHARED_KEY ? { sharedKey: context.env.MESH_SHARED_KEY } : {}),
          ...(context.values.url ? { customUrl: context.values.url as string } : {}),
          ...(certificate ? { certificate } : {}),
          ...(context.values.folder ? { downloadFolder: context.values.folder as string } : {}),
          ...(context.values['manual-ack'] ? { acknowledge: 'manual' } : {}),
        };
        const added = await withServices(context, (call) => call<MailboxSummary>('addMailbox', input));
        context.print(
          `Added ${added.displayName} (${added.mailboxId}), id ${added.id}. Run \`mesh-desktop mailbox test ${added.mailboxId}\` to check it.`,
          added,
        );
        return;
      }
      case 'remove': {
        await withServices(context, async (call) => {
          const found = find(await call<MailboxSummary[]>('listMailboxes'));
          await call('removeMailbox', found.id);
          context.print(`Removed ${found.displayName} (${found.mailboxId}), its saved password and its certificate.`, {
            ok: true,
            id: found.id,
          });
        });
        return;
      }
      case 'test': {
        const result = await withServices(context, async (call) =>
          call<ConnectionTestResult>('testConnection', find(await call<MailboxSummary[]>('listMailboxes')).id),
        );
        context.print(describeTest(result), result);
        return result.ok ? 0 : 3;
      }
      default:
        throw usage('Say what to do: mesh-desktop mailbox list | add | remove | test.');
    }
  },
};

export const cert: Command = {
  name: 'cert',
  summary: 'Import, inspect or request a mailbox certificate',
  usage: [
    'mesh-desktop cert inspect (--cert FILE [--key FILE] | --pfx FILE) [--ca FILE…]   (passphrase from MESH_KEY_PASSPHRASE)',
    'mesh-desktop cert import <profile-id | mailbox-id> (--cert FILE --key FILE | --pfx FILE) [--data-dir DIR]',
    'mesh-desktop cert csr --cn SERVER001.X26.api.mesh-client.nhs.uk [--org NAME] [--out DIR]',
    'mesh-desktop cert password <profile-id | mailbox-id> [--data-dir DIR]   (the password of the certificate IT set, from MESH_KEY_PASSPHRASE)',
  ].join('\n'),
  options: {
    ...DATA_DIR,
    cert: { type: 'string' },
    key: { type: 'string' },
    pfx: { type: 'string' },
    ca: { type: 'string', multiple: true },
    cn: { type: 'string' },
    org: { type: 'string' },
    out: { type: 'string' },
  },
  run: async (context) => {
    const [action, target] = context.positionals;
    switch (action) {
      case 'inspect': {
        const input = certificateInput(context);
        if (!input) throw usage('Give the certificate: --cert FILE (with --key FILE to check the key) or --pfx FILE.');
        const info = await inspectCertificate(
          input.kind === 'pfx'
            ? { kind: 'pfx', file: input.path, ...(input.passphrase ? { passphrase: input.passphrase } : {}) }
            : {
                kind: 'pem',
                certFile: input.certificatePath,
                keyFile: input.keyPath,
                ...(input.passphrase ? { passphrase: input.passphrase } : {}),
              },
          { ...(context.values.ca ? { caFiles: context.values.ca as string[] } : {}) },
        );
        const rows = [
          ['Subject', info.subject.plainWords],
          ['Issued by', info.issuer.plainWords],
          ['Valid from', info.notBefore.toISOString()],
          ['Valid until', `${info.notAfter.toISOString()} (${info.daysUntilExpiry} days)`],
          ['Status', info.status],
          ['Key matches', info.keyMatches ? 'yes' : 'NO'],
          ['SHA-256 fingerprint', info.fingerprintSha256],
          ...(info.chainTrusted !== undefined ? [['Chain reaches the CA', info.chainTrusted ? 'yes' : 'NO']] : []),
        ];
        context.print(formatTable(['', ''], rows).split('\n').slice(1).join('\n'), info);
        return info.keyMatches && info.status !== 'expired' && info.status !== 'not-yet-valid' ? 0 : 3;
      }
      case 'import': {
        const certificate = certificateInput(context);
        if (!certificate || !target) throw usage('Give the mailbox and the certificate: mesh-desktop cert import X26ABC1 --pfx FILE.');
        const updated = await withServices(context, async (call) => {
          const list = await call<MailboxSummary[]>('listMailboxes');
          const found = list.find((m) => m.id === target || m.mailboxId === target.toUpperCase());
          if (!found) throw new AppError({ code: 'not-configured', message: `There is no mailbox "${target}" on this computer.` });
          return call<MailboxSummary>('updateMailbox', found.id, { certificate });
        });
        context.print(
          `Imported the certificate for ${updated.displayName}: ${updated.certificate?.subject ?? ''}, valid until ${updated.certificate?.notAfter ?? '?'}.`,
          updated,
        );
        return;
      }
      case 'csr': {
        const commonName = context.values.cn as string | undefined;
        if (!commonName) throw usage('Give the common name NHS expects: --cn SERVER001.X26.api.mesh-client.nhs.uk');
        const folder = (context.values.out as string | undefined) ?? join(process.cwd());
        const result = await withServices(context, (call) =>
          call<{ keyPath: string; csrPath: string; instructionsPath: string; instructions: string }>('generateCsr', {
            commonName,
            ...(context.values.org ? { organisation: context.values.org } : {}),
            folder,
          }),
        );
        context.print(
          `${result.instructions}\n\nFiles:\n  ${result.csrPath}\n  ${result.keyPath} (keep this private)\n  ${result.instructionsPath}`,
          result,
        );
        return;
      }
      case 'password': {
        // Taken from the environment, never the command line, which other users of the computer can see.
        const passphrase = context.env.MESH_KEY_PASSPHRASE ?? context.env.MESH_PFX_PASSPHRASE;
        if (!target) throw usage('Give the mailbox: mesh-desktop cert password X26ABC1, with the password in MESH_KEY_PASSPHRASE.');
        if (!passphrase) throw usage('Put the certificate password in the MESH_KEY_PASSPHRASE environment variable, then run this again.');
        const updated = await withServices(context, async (call) => {
          const list = await call<MailboxSummary[]>('listMailboxes');
          const found = list.find((m) => m.id === target || m.mailboxId === target.toUpperCase());
          if (!found) throw new AppError({ code: 'not-configured', message: `There is no mailbox "${target}" on this computer.` });
          return call<MailboxSummary>('updateMailbox', found.id, { certificatePassphrase: passphrase });
        });
        context.print(
          `Saved the certificate password for ${updated.displayName} in this account's keychain: ${updated.certificate?.subject ?? ''}, valid until ${updated.certificate?.notAfter ?? '?'}.`,
          updated,
        );
        return;
      }
      default:
        throw usage('Say what to do: mesh-desktop cert inspect | import | csr | password.');
    }
  },
};
