#!/usr/bin/env node
// Builds every bundle: main-process entries for Electron and plain Node with
// esbuild, the two bridges, and the renderer with Vite.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const define = { __APP_VERSION__: JSON.stringify(pkg.version) };

/**
 * zod's locales, English only. `import { z } from 'zod'` keeps every export of zod's namespace, so all forty-odd
 * translations of its validation messages (≈ 350 KB, half of zod in a bundle) were parsed at every start. Ours are
 * English, and zod itself only ever configures English.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '..', 'locales', 'en-only.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * `import … from 'node:http'` through Node's ES module loader, without undici. The loader's facade for a built-in
 * module reads every export, and node:http's lazy WebSocket/EventSource exports load all of undici (fetch, WebSocket,
 * HTTP/2 client): about 50 ms of every `mesh-desktop` run and app start, for code nothing here calls. The module
 * itself comes from process.getBuiltinModule, which returns it as `require` would. A name a bundled import needs that
 * is not listed here fails the build ("No matching export"), so the list cannot silently fall short.
 */
const httpWithoutUndici = {
  name: 'http-without-undici',
  setup(build) {
    build.onResolve({ filter: /^(node:)?http$/ }, () => ({ path: 'node:http', namespace: 'builtin-http' }));
    build.onLoad({ filter: /.*/, namespace: 'builtin-http' }, () => ({
      contents: [
        "const http = process.getBuiltinModule('node:http');",
        'export default http;',
        'export const { Agent, ClientRequest, IncomingMessage, METHODS, OutgoingMessage, STATUS_CODES, Server, ServerResponse,',
        '  createServer, get, request, validateHeaderName, validateHeaderValue } = http;',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

const started = Date.now();
// Chunk names change with their contents: a partial rebuild clears its own folder so no stale chunk is left.
rmSync(join(root, only ? `out/${only}` : 'out'), { recursive: true, force: true });

const jobs = [];
if (!only || only === 'main') {
  // Node entries are ESM with their JavaScript dependencies bundled in: one
  // file parses in about half the time Node takes to resolve and load got, zod
  // and node-forge file by file (~100 vs ~190 ms for the command line, paid by
  // every `mesh-desktop` run and every app start). keytar is native and stays
  // outside; bundled CommonJS packages get a real `require` for Node's modules.
  // Code behind a dynamic import() goes into shared chunks loaded when first
  // needed, so a command line run parses only the command it runs.
  jobs.push(
    esbuild({
      absWorkingDir: root,
      entryPoints: {
        electron: 'main/app/main.ts',
        preview: 'main/preview/main.ts',
        cli: 'main/cli/main.ts',
        sandbox: 'main/sandbox/cli.ts',
      },
      outdir: 'out/main',
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      plugins: [zodEnglishOnly, httpWithoutUndici],
      platform: 'node',
      format: 'esm',
      target: 'node24',
      external: ['electron', 'keytar'],
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      sourcemap: 'linked',
      define,
      logLevel: 'warning',
    }),
  );
}
if (!only || only === 'preload') {
  // A sandboxed preload cannot require anything but electron: one CommonJS file.
  jobs.push(
    esbuild({
      absWorkingDir: root,
      entryPoints: { electron: 'preload/electron.ts' },
      outdir: 'out/preload',
      outExtension: { '.js': '.cjs' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'chrome130',
      external: ['electron'],
      logLevel: 'warning',
    }),
    esbuild({
      absWorkingDir: root,
      entryPoints: { 'preview-bridge': 'preload/websocket.ts' },
      outdir: 'out/preload',
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      logLevel: 'warning',
    }),
  );
}
if (!only || only === 'renderer') {
  jobs.push(viteBuild({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn', define }));
}
await Promise.all(jobs);
console.log(`MESH Desktop built into out/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
