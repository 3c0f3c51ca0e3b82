/**
 * `npm run sandbox`: runs the MESH sandbox on this computer for trying the app
 * or a MESH client without NHS credentials.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AppError, toAppError } from '../shared/errors';
import { DEMO_MAILBOXES, DEMO_WORKFLOWS } from './demo-data';
import { parseMailboxesJsonl, parseWorkflowsJsonl } from './jsonl';
import { ADMIN_TOKEN_HEADER } from './request-guard';
import { startSandbox } from './server';
import type { ClientCertificateMode, RunningSandbox, SandboxOptions, SandboxStoreOptions } from './types';

const USAGE = `Usage: npm run sandbox -- [options]

  --port N                  port to listen on (default 8700; 0 picks a free one)
  --host ADDRESS            loopback address (default 127.0.0.1)
  --tls-cert FILE           server certificate (PEM); with --tls-key serves HTTPS
  --tls-key FILE            server private key (PEM)
  --client-ca FILE          CA that signs client certificates (turns on mutual TLS)
  --client-certs MODE       required | optional | off (default: required with --client-ca)
  --mailboxes FILE.jsonl    mailboxes in NHS mesh-sandbox format (default: built-in demo set)
  --workflows FILE.jsonl    workflows in NHS mesh-sandbox format (default: built-in demo set)
  --shared-key KEY          environment shared key (or MESH_SANDBOX_SHARED_KEY; default TestKey)
  --store memory|DIR        keep messages in memory (default) or in a folder
  --store pattern:FILE      benchmarks: accept only FILE's bytes repeated and keep no bodies
  --auth full|none          check Authorization headers (default full) or accept any
  --enforce-workflows       refuse sends outside the configured workflows (SEND 16/17)
  --no-transfer-gzip        never gzip downloads on the fly (benchmarks measure raw transfer)
  --admin-token TOKEN       token admin endpoints want in X-Sandbox-Admin-Token
                            (or MESH_SANDBOX_ADMIN_TOKEN; default: a random one, printed at start)
  --open-admin              leave admin endpoints open to any program or web page that reaches them
  --help                    show this help
`;

function invalid(message: string, detail?: string): AppError {
  return new AppError({ code: 'invalid-argument', message, ...(detail ? { detail } : {}) });
}

/** Turns command-line arguments into sandbox options (reading the files they name). */
export async function optionsFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<SandboxOptions> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'client-ca': { type: 'string' },
        'client-certs': { type: 'string' },
        mailboxes: { type: 'string' },
        workflows: { type: 'string' },
        'shared-key': { type: 'string' },
        store: { type: 'string' },
        auth: { type: 'string' },
        'enforce-workflows': { type: 'boolean' },
        'no-transfer-gzip': { type: 'boolean' },
        'admin-token': { type: 'string' },
        'open-admin': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) throw new AppError({ code: 'cancelled', message: USAGE });

  const port = values.port === undefined ? 8700 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid('--port must be a number from 0 to 65535.');
  const auth = values.auth ?? 'full';
  if (auth !== 'full' && auth !== 'none') throw invalid('--auth must be "full" or "none".');
  const clientCerts = values['client-certs'];
  if (clientCerts !== undefined && !['required', 'optional', 'off'].includes(clientCerts)) {
    throw invalid('--client-certs must be "required", "optional" or "off".');
  }
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    throw invalid('Give both --tls-cert and --tls-key, or neither.');
  }
  if (values['client-ca'] !== undefined && values['tls-cert'] === undefined) {
    throw invalid('--client-ca needs HTTPS: give --tls-cert and --tls-key too.');
  }
  const adminToken = values['admin-token'] ?? env.MESH_SANDBOX_ADMIN_TOKEN;
  if (values['open-admin'] && values['admin-token'] !== undefined) {
    throw invalid('Give --admin-token or --open-admin, not both.');
  }
  if (adminToken === '') throw invalid('--admin-token cannot be empty.');

  const read = async (file: string) => {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new AppError({
        code: 'file-unreadable',
        message: `Could not read ${file}. Check the file exists and you can open it.`,
        detail: String(error),
        cause: error,
      });
    }
  };

  const options: SandboxOptions = {
    port,
    sharedKey: values['shared-key'] ?? env.MESH_SANDBOX_SHARED_KEY ?? 'TestKey',
    mailboxes: values.mailboxes ? parseMailboxesJsonl(await read(values.mailboxes)) : [...DEMO_MAILBOXES],
    workflows: values.workflows ? parseWorkflowsJsonl(await read(values.workflows)) : [...DEMO_WORKFLOWS],
    auth: { mode: auth },
    store: await storeOption(values.store),
    enforceWorkflowPermissions: values['enforce-workflows'] ?? false,
    compressDownloads: !(values['no-transfer-gzip'] ?? false),
  };
  // Open only when asked: any web page the person visits can reach a loopback port.
  if (values['open-admin']) options.adminToken = false;
  else if (adminToken !== undefined) options.adminToken = adminToken;
  if (values.host !== undefined) options.host = values.host;
  if (values['tls-cert'] !== undefined && values['tls-key'] !== undefined) {
    options.tls = { cert: await read(values['tls-cert']), key: await read(values['tls-key']) };
    if (values['client-ca'] !== undefined) options.tls.clientCa = await read(values['client-ca']);
    if (clientCerts !== undefined) options.tls.clientCertificates = clientCerts as ClientCertificateMode;
  }
  return options;
}

/** A mesh-desktop command that lists the first mailbox's inbox (certificate flags when TLS needs them). */
export function exampleCommand(sandbox: Pick<RunningSandbox, 'url'>, options: SandboxOptions): string {
  const mailbox = options.mailboxes[0];
  const parts = [
    `MESH_PASSWORD=${mailbox?.password ?? 'password'}`,
    `MESH_SHARED_KEY=${options.sharedKey}`,
    'mesh-desktop inbox',
    `--url ${sandbox.url}`,
    `--mailbox ${mailbox?.mailbox_id ?? 'MAILBOX'}`,
  ];
  if (options.tls) parts.push('--ca SERVER-CA.pem');
  if (options.tls?.clientCa) parts.push('--cert CLIENT.pem --key CLIENT.key');
  return parts.join(' ');
}

async function storeOption(value: string | undefined): Promise<SandboxStoreOptions> {
  if (!value || value === 'memory') return { kind: 'memory' };
  if (!value.startsWith('pattern:')) return { kind: 'disk', dir: value };
  const file = value.slice('pattern:'.length);
  try {
    return { kind: 'pattern', block: await readFile(file) };
  } catch (error) {
    throw new AppError({
      code: 'file-unreadable',
      message: `Could not read the pattern file ${file}. Check the file exists and you can open it.`,
      detail: String(error),
      cause: error,
    });
  }
}

const storeDescription = (store: SandboxStoreOptions | undefined) =>
  store?.kind === 'disk'
    ? store.dir
    : store?.kind === 'pattern'
      ? `a pattern of ${store.block.length} bytes (bodies not kept)`
      : 'memory (messages are lost when it stops)';

/** The text printed once the sandbox is listening: how to connect. */
export function connectionHelp(sandbox: RunningSandbox, options: SandboxOptions): string {
  const lines = [
    `MESH sandbox listening on ${sandbox.url}`,
    '',
    `Shared key: ${options.sharedKey}`,
    `Store: ${storeDescription(options.store)}`,
    `Authorization: ${options.auth?.mode === 'none' ? 'not checked' : 'checked (NHSMESH tokens)'}`,
    `TLS: ${options.tls ? (options.tls.clientCa ? 'HTTPS with client certificates' : 'HTTPS') : 'none (plain HTTP)'}`,
    '',
    'Mailboxes:',
    ...options.mailboxes.map(
      (mailbox) => `  ${mailbox.mailbox_id.padEnd(12)} ${mailbox.mailbox_name} (ODS ${mailbox.ods_code}), password "${mailbox.password}"`,
    ),
    '',
    'Try it:',
    `  curl ${sandbox.url}/messageexchange/_ping`,
    `  ${exampleCommand(sandbox, options)}`,
    '',
    ...adminHelp(sandbox),
    'Press Ctrl+C to stop.',
  ];
  return lines.join('\n');
}

function adminHelp(sandbox: RunningSandbox): string[] {
  const endpoints = 'Admin: DELETE /admin/reset, POST /admin/faults, POST /admin/clock, POST /admin/expire';
  if (sandbox.adminToken === undefined) return [endpoints, '  open to anyone who can reach this port (--open-admin)', ''];
  return [
    endpoints,
    `  with the header ${ADMIN_TOKEN_HEADER}: ${sandbox.adminToken}`,
    `  curl -H '${ADMIN_TOKEN_HEADER}: ${sandbox.adminToken}' ${sandbox.url}/admin/clock`,
    '',
  ];
}

/** Where main writes; tests pass their own. */
export interface CliOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

const PROCESS_OUTPUT: CliOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Starts the sandbox from command-line arguments and prints how to connect; stops on Ctrl+C. */
export async function main(argv: string[], output: CliOutput = PROCESS_OUTPUT): Promise<RunningSandbox | undefined> {
  let options: SandboxOptions;
  try {
    options = await optionsFromArgs(argv);
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code === 'cancelled') {
      output.out(appError.message);
      return undefined;
    }
    output.err(`${appError.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return undefined;
  }
  let sandbox: RunningSandbox;
  try {
    sandbox = await startSandbox({ ...options, log: (line) => output.err(`${line}\n`) });
  } catch (error) {
    const appError = toAppError(error);
    output.err(`${appError.message}\n${appError.detail ?? ''}\n`);
    process.exitCode = 1;
    return undefined;
  }
  output.out(`${connectionHelp(sandbox, options)}\n`);
  const stopOnSignal = () => {
    void sandbox.close();
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const close = sandbox.close;
  return {
    ...sandbox,
    close: async () => {
      process.off('SIGINT', stopOnSignal);
      process.off('SIGTERM', stopOnSignal);
      await close();
    },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main(process.argv.slice(2));
}
