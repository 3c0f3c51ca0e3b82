// The baseline: the same bytes streamed by a plain Node https (or http) request to
// the same server, with nothing of MESH Desktop in the path but the auth header.
import { createReadStream, createWriteStream, statSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage } from 'node:http';
import { createAuthHeader } from '../../main/mesh/auth';
import { report, watchGarbageCollection } from './_measure';

const [mode, url, mailbox, target, messageOrTo] = process.argv.slice(2) as [string, string, string, string, string];
// upload-chunked takes a sixth argument, the chunk size in bytes.
const env = process.env;
// Over plain HTTP (the bench's --transport http) there is no certificate to present.
const plain = url.startsWith('http:');
const { Agent, request } = (plain ? http : https) as typeof https;
const tls = plain
  ? {}
  : {
      cert: readFileSync(env.MESH_CERT!),
      key: readFileSync(env.MESH_KEY!),
      ca: readFileSync(env.MESH_CA!),
      minVersion: 'TLSv1.2' as const,
    };
const auth = () => createAuthHeader({ mailboxId: mailbox, password: env.MESH_PASSWORD!, sharedKey: env.MESH_SHARED_KEY! });
watchGarbageCollection();
const started = process.hrtime.bigint();

if (mode === 'upload') {
  const size = statSync(target).size;
  const messageId = await new Promise<string>((resolve, reject) => {
    const req = request(
      `${url}/messageexchange/${mailbox}/outbox`,
      {
        method: 'POST',
        ...tls,
        headers: {
          authorization: auth(),
          accept: 'application/vnd.mesh.v2+json',
          'content-type': 'application/octet-stream',
          'content-length': size,
          'mex-to': messageOrTo,
          'mex-workflowid': 'TEST_WORKFLOW',
          'mex-filename': 'baseline.dat',
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          res.statusCode === 202
            ? resolve((JSON.parse(body) as { message_id: string }).message_id)
            : reject(new Error(`${res.statusCode} ${body}`)),
        );
      },
    );
    req.on('error', reject);
    createReadStream(target, { highWaterMark: 1024 * 1024 }).pipe(req);
  });
  await report(started, messageId);
} else if (mode === 'upload-chunked') {
  // The simplest chunked send a MESH client can make: each chunk read from the file and POSTed as it is, over one
  // kept-alive connection, with no journal, no fsync and no checksum — the reference the app's send is held to.
  const chunkBytes = Number(process.argv[7]);
  const size = statSync(target).size;
  const chunks = Math.max(1, Math.ceil(size / chunkBytes));
  const agent = new Agent({ keepAlive: true, ...tls });
  let messageId = '';
  for (let k = 1; k <= chunks; k++) {
    const start = (k - 1) * chunkBytes;
    const end = Math.min(size, start + chunkBytes);
    const path = k === 1 ? `${url}/messageexchange/${mailbox}/outbox` : `${url}/messageexchange/${mailbox}/outbox/${messageId}/${k}`;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        path,
        {
          method: 'POST',
          agent,
          headers: {
            authorization: auth(),
            accept: 'application/vnd.mesh.v2+json',
            'content-type': 'application/octet-stream',
            'content-length': end - start,
            'mex-chunk-range': `${k}:${chunks}`,
            ...(k === 1 ? { 'mex-to': messageOrTo, 'mex-workflowid': 'TEST_WORKFLOW', 'mex-filename': 'reference.dat' } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => (res.statusCode === 202 ? resolve(text) : reject(new Error(`chunk ${k}: ${res.statusCode} ${text}`))));
        },
      );
      req.on('error', reject);
      if (end > start) createReadStream(target, { start, end: end - 1, highWaterMark: 1024 * 1024 }).pipe(req);
      else req.end();
    });
    if (k === 1) messageId = (JSON.parse(body) as { message_id: string }).message_id;
  }
  agent.destroy();
  await report(started, messageId);
} else if (mode === 'download-chunked') {
  // The same bytes as a chunked message, one plain GET per chunk over one kept-alive connection: the least any
  // MESH client must do (MESH takes at most 100 MB per request), to tell the cost of chunking from the app's own.
  const agent = new Agent({ keepAlive: true, ...tls });
  const output = createWriteStream(target, { highWaterMark: 1024 * 1024 });
  for (let k = 1; ; k++) {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const path = `${url}/messageexchange/${mailbox}/inbox/${messageOrTo}${k > 1 ? `/${k}` : ''}`;
      const req = request(path, { agent, headers: { authorization: auth(), accept: 'application/vnd.mesh.v2+json' } }, resolve);
      req.on('error', reject);
      req.end();
    });
    if (response.statusCode !== 200 && response.statusCode !== 206) throw new Error(`chunk ${k}: ${response.statusCode}`);
    await pipeline(response, output, { end: false });
    if (response.statusCode === 200) break;
  }
  await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())));
  agent.destroy();
  await report(started, target);
} else {
  await new Promise<void>((resolve, reject) => {
    const req = request(
      `${url}/messageexchange/${mailbox}/inbox/${messageOrTo}`,
      { method: 'GET', ...tls, headers: { authorization: auth(), accept: 'application/vnd.mesh.v2+json' } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`download ${res.statusCode}`));
        pipeline(res, createWriteStream(target, { highWaterMark: 1024 * 1024 })).then(resolve, reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
  await report(started, target);
}
