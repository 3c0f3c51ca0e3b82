// One command-line run, measured: the real `mesh-desktop` code path.
import { Writable } from 'node:stream';
import type * as Cli from '../../main/cli/main';
import { report, watchGarbageCollection } from './_measure';

watchGarbageCollection();
const started = process.hrtime.bigint();
const { runCli } = (await import(new URL('../out/main/cli.mjs', import.meta.url).href)) as typeof Cli;
let output = '';
const sink = new Writable({
  write(chunk, _encoding, done) {
    output += String(chunk);
    done();
  },
});
const code = await runCli(process.argv.slice(2), process.env, { out: sink as never, err: process.stderr });
if (code !== 0) {
  process.stderr.write(output);
  process.exit(code);
}
await report(started, output.trim());
