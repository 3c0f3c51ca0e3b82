import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commonNameProblem, csrInstructions, generateCsr, normaliseCommonName } from '../../../main/certs/csr';
import { AppError } from '../../../main/shared/errors';

const run = promisify(execFile);
let outDir: string;

beforeEach(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'mesh-csr-'));
});

afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('commonNameProblem', () => {
  it.each(['SERVER001.X26.api.mesh-client.nhs.uk', 'x26abc1.RR8.api.mesh-client.nhs.uk', 'MY-PC-01.A1B2C.API.MESH-CLIENT.NHS.UK'])(
    'accepts %s',
    (name) => expect(commonNameProblem(name)).toBeUndefined(),
  );

  it.each([
    ['no ODS part', 'SERVER001.api.mesh-client.nhs.uk'],
    ['the wrong ending', 'SERVER001.X26.mesh-client.nhs.uk'],
    ['a space', 'SERVER 001.X26.api.mesh-client.nhs.uk'],
    ['an extra part', 'A.SERVER001.X26.api.mesh-client.nhs.uk'],
    ['a slash', 'SERVER/001.X26.api.mesh-client.nhs.uk'],
    ['nothing', ''],
    ['an ODS code too short', 'SERVER001.X2.api.mesh-client.nhs.uk'],
  ])('refuses a name with %s, explaining the shape', (_label, name) => {
    expect(commonNameProblem(name)).toMatch(/must look like SERVER001\.X26\.api\.mesh-client\.nhs\.uk/);
  });

  it('normalises case as NHS writes it', () => {
    expect(normaliseCommonName(' server001.x26.API.Mesh-Client.nhs.uk ')).toBe('SERVER001.X26.api.mesh-client.nhs.uk');
  });
});

describe('generateCsr', () => {
  it('writes a key, a CSR with the expected subject, and instructions', async () => {
    const result = await generateCsr({
      commonName: 'server001.x26.api.mesh-client.nhs.uk',
      organisation: 'Leeds Teaching Hospitals',
      outDir,
    });
    const cn = 'SERVER001.X26.api.mesh-client.nhs.uk';
    expect(result).toEqual({
      commonName: cn,
      keyFile: path.join(outDir, `${cn}.key`),
      csrFile: path.join(outDir, `${cn}.csr`),
      instructionsFile: path.join(outDir, `${cn}-instructions.txt`),
    });
    expect((await readdir(outDir)).sort()).toEqual([`${cn}-instructions.txt`, `${cn}.csr`, `${cn}.key`]);

    const subject = await run('openssl', ['req', '-in', result.csrFile, '-noout', '-subject', '-verify']);
    expect(subject.stdout.trim()).toBe(`subject=O = Leeds Teaching Hospitals, CN = ${cn}`);
    expect(subject.stderr).toMatch(/verify OK/i);

    const keyCheck = await run('openssl', ['rsa', '-in', result.keyFile, '-check', '-noout']);
    expect(keyCheck.stdout).toMatch(/RSA key ok/);

    const bits = await run('openssl', ['req', '-in', result.csrFile, '-noout', '-text']);
    expect(bits.stdout).toMatch(/Public-Key: \(2048 bit\)/);
    expect(bits.stdout).toMatch(/sha256WithRSAEncryption/);

    // The CSR's public key is the key file's.
    const fromCsr = await run('openssl', ['req', '-in', result.csrFile, '-noout', '-pubkey']);
    const fromKey = await run('openssl', ['pkey', '-in', result.keyFile, '-pubout']);
    expect(fromCsr.stdout).toBe(fromKey.stdout);

    if (process.platform !== 'win32') expect((await stat(result.keyFile)).mode & 0o777).toBe(0o600);
    const instructions = await readFile(result.instructionsFile, 'utf8');
    expect(instructions).toContain('itoc.supportdesk@nhs.net');
    expect(instructions).toContain('ssd.nationalservicedesk@nhs.net');
    expect(instructions).toContain(`${cn}.csr`);
    expect(instructions).toMatch(/NEVER email it/);
    expect(instructions).toMatch(/5 working days/);
  });

  it('leaves the organisation out when none is given', async () => {
    const result = await generateCsr({ commonName: 'SERVER002.X26.api.mesh-client.nhs.uk', outDir });
    const subject = await run('openssl', ['req', '-in', result.csrFile, '-noout', '-subject']);
    expect(subject.stdout.trim()).toBe('subject=CN = SERVER002.X26.api.mesh-client.nhs.uk');
  });

  it('encrypts the key when given a passphrase', async () => {
    const result = await generateCsr({ commonName: 'SERVER003.X26.api.mesh-client.nhs.uk', outDir, passphrase: 'correct horse' });
    expect(await readFile(result.keyFile, 'utf8')).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    const ok = await run('openssl', ['rsa', '-in', result.keyFile, '-check', '-noout', '-passin', 'pass:correct horse']);
    expect(ok.stdout).toMatch(/RSA key ok/);
    await expect(run('openssl', ['rsa', '-in', result.keyFile, '-check', '-noout', '-passin', 'pass:wrong'])).rejects.toThrow();
  });

  it('refuses a bad name before making anything', async () => {
    const error = await failure(generateCsr({ commonName: 'my computer', outDir }));
    expect(error.code).toBe('invalid-argument');
    expect(await readdir(outDir)).toEqual([]);
  });

  it('never overwrites an existing key', async () => {
    const keyFile = path.join(outDir, 'SERVER001.X26.api.mesh-client.nhs.uk.key');
    await writeFile(keyFile, 'waiting for its certificate');
    const error = await failure(generateCsr({ commonName: 'SERVER001.X26.api.mesh-client.nhs.uk', outDir }));
    expect(error.message).toMatch(/already a key called/);
    expect(await readFile(keyFile, 'utf8')).toBe('waiting for its certificate');
  });

  it('creates the output folder if need be', async () => {
    const nested = path.join(outDir, 'requests', 'new');
    const result = await generateCsr({ commonName: 'SERVER004.X26.api.mesh-client.nhs.uk', outDir: nested });
    expect(result.csrFile.startsWith(nested)).toBe(true);
  });
});

describe('csrInstructions', () => {
  it('uses Windows line endings so Notepad shows it properly', () => {
    expect(csrInstructions('A.B.api.mesh-client.nhs.uk', 'a.csr', 'a.key')).toContain('\r\n');
  });
});
