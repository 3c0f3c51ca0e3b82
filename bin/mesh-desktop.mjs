#!/usr/bin/env -S node --initial-heap-size=64 --max-semi-space-size=2
// The installed command: runs the built command line from out/ (npm install builds it).
//
// --initial-heap-size: a transfer streams gigabytes through short-lived buffers while the command's own heap is
// only ~10 MB. With V8's default heap sizing for a heap that small (Node 20), every ~30 MB of buffers set off a full
// garbage collection, dozens per gigabyte: a 1 GiB send took 4.2–5.1 s instead of 2.6–3.2 s, CPU nearly doubled
// (measured with --trace-gc; see docs/testing.md). Starting with room for 64 MB lets young collections free the
// buffers, as they do in any larger process. The transfer benchmark starts the command line with these same flags.
// Re-measured on Node 24.18 (1 GiB send to the emulator, four runs each way): 42 full collections without the flag
// and 18 with it, 2.5–2.9 s of CPU against 1.8–2.2 s; wall time within this VM's noise. It still pays, so it stays.
// --max-semi-space-size=2: a download still made 34–38 full collections per GiB (the simplest client 7). Its socket
// buffers are freed only by a collection, and with the young generation grown to its default 16 MB, young
// collections came so rarely (6 per GiB) that the buffers' external memory set off full ones instead. Capped at 2 MB,
// young collections free them: 0 full collections, peak RSS 176–180 → 131 MiB, 1 GiB download 0.66–0.72 → 0.86 of the
// simplest chunked client, sends unchanged (download and upload probes, 3–5 rounds; see docs/testing.md).
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
