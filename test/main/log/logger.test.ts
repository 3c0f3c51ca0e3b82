import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../main/log/logger';
import { REDACTED, redact, redactText } from '../../../main/log/redact';

const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((f) => rmSync(f, { recursive: true, force: true })));

describe('redaction', () => {
  it.each([
    ['an Authorization header value', 'sent Authorization: NHSMESH X26ABC1:abc:0:202611251200:deadbeef', 'NHSMESH [redacted]'],
    ['a PEM private key', 'key -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- end', `key ${REDACTED} end`],
    ['an encrypted PEM key', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n-----END ENCRYPTED PRIVATE KEY-----', REDACTED],
    ['credentials in a proxy URL', 'proxy http://amy:s3cret@proxy:8080/', `http://${REDACTED}@proxy:8080/`],
  ])('removes %s from text', (_label, text, expected) => {
    const out = redactText(text);
    expect(out).toContain(expected);
    expect(out).not.toMatch(/deadbeef|MIIE|s3cret/);
  });

  it('replaces secret-named fields at any depth and leaves the rest', () => {
    const out = redact({
      mailboxId: 'X26ABC1',
      password: 'pw',
      nested: { sharedKey: 'k', passphrase: 'p', headers: { Authorization: 'NHSMESH a:b:0:c:d', accept: 'json' } },
      list: [{ secret: 's', name: 'n' }],
      proxyPassword: 'x',
      emptyPassword: '',
    });
    expect(out).toEqual({
      mailboxId: 'X26ABC1',
      password: REDACTED,
      nested: { sharedKey: REDACTED, passphrase: REDACTED, headers: { Authorization: REDACTED, accept: 'json' } },
      list: [{ secret: REDACTED, name: 'n' }],
      proxyPassword: REDACTED,
      emptyPassword: '',
    });
  });

  it('keeps only the name and message of an Error, redacted', () => {
    expect(redact(new Error('failed with NHSMESH X:Y:0:Z:H'))).toEqual({ name: 'Error', message: 'failed with NHSMESH [redacted]' });
  });
});

describe('the log file', () => {
  it('writes redacted JSON lines, owner-only, and rotates by size keeping a fixed number of files', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'log-test-'));
    folders.push(folder);
    const log = createLogger({ folder, maxFileBytes: 2_000, keepFiles: 3, level: 'debug' });
    for (let i = 0; i < 60; i++) log.debug(`line ${i}`, { password: 'hunter2', i });
    await log.close();
    const files = readdirSync(folder).sort();
    expect(files).toEqual(['mesh-desktop.log', 'mesh-desktop.log.1', 'mesh-desktop.log.2']);
    const text = files.map((f) => readFileSync(join(folder, f), 'utf8')).join('');
    expect(text).not.toContain('hunter2');
    const last = readFileSync(join(folder, 'mesh-desktop.log'), 'utf8').trim().split('\n').pop()!;
    expect(JSON.parse(last)).toMatchObject({ level: 'debug', message: 'line 59', detail: { password: REDACTED, i: 59 } });
    if (process.platform !== 'win32') {
      const { statSync } = await import('node:fs');
      expect(statSync(join(folder, 'mesh-desktop.log')).mode & 0o077).toBe(0);
    }
  });

  it('drops lines below its level and keeps recent lines for diagnostics', async () => {
    const log = createLogger({ level: 'warn' });
    log.info('quiet');
    log.warn('loud', { token: 'abc' });
    expect(log.recent()).toHaveLength(1);
    expect(log.recent()[0]).toContain('[redacted]');
    await log.close();
  });
});
