// One measured run through the bare protocol client (main/mesh/client.ts
// MeshClient): no journal, no inbox cache, no checksum, nothing on disk but the
// files themselves. Three operations at once, as many as the engine runs.
// The clock starts once the client exists; the first TLS handshake is counted.
//   send-many FOLDER TO          sends every file in FOLDER
//   receive-all DOWNLOADS        lists the inbox, downloads and acknowledges every message
//   send FILE TO                 one file (sendFile)
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { connectionFromFlags } from '../../main/cli/connection';
import { MeshClient } from '../../main/mesh/client';
import { report, watchGarbageCollection } from './_measure';

const [mode, target, second] = process.argv.slice(2) as [string, string, string];
const WORKFLOW = 'TEST_WORKFLOW';
const CONCURRENCY = 3;

/** Runs work over items with at most `limit` at once; rejects on the first failure. */
async function eachWithLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const client = new MeshClient(await connectionFromFlags({}, process.env));
watchGarbageCollection();
const started = process.hrtime.bigint();
let output: unknown;
if (mode === 'send-many') {
  const names = (await readdir(target)).sort();
  let sent = 0;
  await eachWithLimit(names, CONCURRENCY, async (name) => {
    await client.sendFile(join(target, name), { to: second, workflowId: WORKFLOW, fileName: name });
    sent++;
  });
  output = { sent, failed: [] };
} else if (mode === 'receive-all') {
  const ids: string[] = [];
  for await (const id of client.iterateInbox()) ids.push(id);
  const savedPaths: string[] = [];
  await eachWithLimit(ids, CONCURRENCY, async (id) => {
    const path = join(target, `${id}.dat`);
    await client.downloadToFile(id, path);
    await client.acknowledge(id);
    savedPaths.push(path);
  });
  output = { listed: ids.length, received: savedPaths.length, failed: [], savedPaths };
} else if (mode === 'send') {
  output = { messageId: await client.sendFile(target, { to: second, workflowId: WORKFLOW, fileName: 'bench.dat' }), failed: [] };
} else {
  throw new Error(`unknown mode ${mode}`);
}
client.close();
await report(started, JSON.stringify(output));
