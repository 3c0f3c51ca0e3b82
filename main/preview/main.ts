// `npm run preview`: the real renderer in a browser, over a token-protected
// local bridge to the same main-process services the desktop app runs.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../log/logger';
import { installProcessGuard } from '../log/process-guard';
import { createAppServices } from '../services/app-services';
import { defaultDataFolder, logFolder } from '../shared/paths';
import { startPreviewServer } from './server';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const dataFolder = values['data-dir'] ?? defaultDataFolder();
  const level = values['log-level'] === 'debug' ? 'debug' : 'info';
  const log = createLogger({ folder: logFolder(dataFolder), level });
  installProcessGuard(log);
  const services = await createAppServices({ shell: 'preview', dataFolder, log });
  const preview = await startPreviewServer({
    services,
    rendererFolder: join(here, '..', 'renderer'),
    bridgeScript: join(here, '..', 'preload', 'preview-bridge.js'),
    port: values.port ? Number(values.port) : 0,
    log,
  });
  // Tests read this line to find the address; keep its shape.
  process.stdout.write(`MESH Desktop preview is running. Open this link in your browser:\n${preview.url}\n`);
  process.stdout.write(`Data folder: ${dataFolder}\nPress Ctrl+C to stop.\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await preview.close();
    await services.shutdown();
    await log.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`The preview could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
