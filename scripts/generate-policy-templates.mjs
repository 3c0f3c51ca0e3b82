#!/usr/bin/env node
// Writes the Group Policy templates (resources/policy/mesh-desktop.admx and its
// en-GB and en-US mesh-desktop.adml) from main/settings/policy-catalogue.ts.
// Run after changing a policy setting: `npm run policy-templates`.
// `--check` writes nothing and exits 1 when a checked-in file differs.
// The catalogue is TypeScript, so esbuild bundles the generator in memory first.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

const bundle = await build({
  absWorkingDir: root,
  entryPoints: ['main/settings/policy-templates.ts'],
  bundle: true,
  write: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
const { policyTemplateFiles } = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);

let stale = 0;
for (const [name, text] of Object.entries(policyTemplateFiles())) {
  const file = join(root, 'resources', 'policy', name);
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // Missing counts as different.
    }
    if (current !== text) {
      stale += 1;
      console.error(`${name} differs from what the catalogue gives; run npm run policy-templates.`);
    }
    continue;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`Wrote resources/policy/${name}`);
}
process.exitCode = stale > 0 ? 1 : 0;
