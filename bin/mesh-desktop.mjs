#!/usr/bin/env node
// The installed command: runs the built command line from out/ (npm install builds it).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'cli.mjs');
if (!existsSync(cli)) {
  console.error('mesh-desktop is not built yet: run `npm run build` in the MESH Desktop folder, then try again.');
  process.exit(1);
}
const { runCli } = await import(cli);
process.exitCode = await runCli(process.argv.slice(2));
