import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumOfFile, createChecksumHash, formatChecksum, hashFilePrefix, parseChecksum } from '../../../main/transfers/checksum';

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('parseChecksum recognises the common forms', () => {
  it.each([
    [`md5:${MD5}`, 'md5', MD5],
    [`MD5:${MD5.toUpperCase()}`, 'md5', MD5],
    [`sha256:${SHA256}`, 'sha256', SHA256],
    [`SHA-256:${SHA256}`, 'sha256', SHA256],
    [`sha256 ${SHA256}`, 'sha256', SHA256],
    [`sha256=${SHA256}`, 'sha256', SHA256],
    [`sha1:${SHA1}`, 'sha1', SHA1],
    [`  sha256:${SHA256}  `, 'sha256', SHA256],
    [MD5, 'md5', MD5],
    [SHA256.toUpperCase(), 'sha256', SHA256],
  ])('%j', (value, algorithm, hex) => {
    expect(parseChecksum(value)).toEqual({ algorithm, hex });
  });

  it.each([
    undefined,
    '',
    'crc32:deadbeef',
    `md5:${SHA256}`,
    `sha256:${MD5}`,
    'sha256:not-hex',
    'abc123',
    `md5:${MD5}:extra`,
    `base64:1B2M2Y8AsgTpgAmY7PhCfg==`,
  ])('%j is not recognised (so not checked)', (value) => {
    expect(parseChecksum(value)).toBeUndefined();
  });

  it('formats what we send', () => {
    expect(formatChecksum({ algorithm: 'sha256', hex: SHA256 })).toBe(`sha256:${SHA256}`);
    expect(parseChecksum(formatChecksum({ algorithm: 'sha256', hex: SHA256 }))).toEqual({ algorithm: 'sha256', hex: SHA256 });
  });
});

describe('hashing files', () => {
  let dir: string;
  const content = Buffer.from('0123456789'.repeat(300_000));
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'checksum-'));
    await writeFile(join(dir, 'f'), content);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hashes a whole file', async () => {
    const result = await checksumOfFile(join(dir, 'f'), content.length, 'sha256');
    expect(result).toEqual({ algorithm: 'sha256', hex: createHash('sha256').update(content).digest('hex') });
  });

  it('hashes only a prefix', async () => {
    const hash = createChecksumHash('md5');
    await hashFilePrefix(join(dir, 'f'), 1_234_567, hash);
    expect(hash.digest('hex')).toBe(createHash('md5').update(content.subarray(0, 1_234_567)).digest('hex'));
  });

  it('hashes nothing for an empty prefix', async () => {
    const hash = createChecksumHash('md5');
    await hashFilePrefix(join(dir, 'f'), 0, hash);
    expect(hash.digest('hex')).toBe(MD5);
  });
});
