/**
 * Folder mode against the MESH emulator over real TLS: pairs dropped in OUT
 * arrive intact and move to SENT completed; bad ones go to FAILED with the
 * reason; growing files wait; received messages and reports land in IN.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { controlStatus, controlValue, parseControlFile, type ControlFile } from '../../../main/folders/control-file';
import { mailboxFolders } from '../../../main/folders/folder-mode';
import { RECIPIENT, SENDER, WORKFLOW, startFolderBed, type FolderBed } from './folder-fixture';

let bed: FolderBed;

beforeAll(async () => {
  bed = await startFolderBed();
}, 60_000);

afterAll(async () => {
  await bed?.close();
});

beforeEach(async () => {
  await bed.fixture.sandbox.reset();
});

function controlXml(fields: Record<string, string>): string {
  return `<DTSControl>\n${Object.entries(fields)
    .map(([name, value]) => `<${name}>${value}</${name}>`)
    .join('\n')}\n</DTSControl>\n`;
}

const JAVA_FIELDS = {
  Version: '1.0',
  AddressType: 'DTS',
  MessageType: 'Data',
  WorkflowId: WORKFLOW,
  To_DTS: RECIPIENT,
  From_DTS: SENDER,
  Subject: 'Monthly return',
  LocalId: 'ref-001',
  Compress: 'Y',
  AllowChunking: 'Y',
  Encrypted: 'N',
};

async function readControl(file: string): Promise<ControlFile> {
  const parsed = parseControlFile(await readFile(file, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.control;
}

async function downloadText(messageId: string): Promise<Buffer> {
  const target = join(bed.dir, `check-${messageId}`);
  await bed.client(RECIPIENT).downloadToFile(messageId, target);
  return readFile(target);
}

describe('sending from OUT', () => {
  it('sends a pair with every field intact and moves it to SENT with a completed control file', async () => {
    const rig = await bed.rig(SENDER);
    const folders = mailboxFolders(rig.mailbox);
    const content = randomBytes(2.5 * 1024 * 1024);
    await writeFile(join(folders.out, 'Org_20240101_0900.dat'), content);
    await writeFile(join(folders.out, 'Org_20240101_0900.ctl'), controlXml(JAVA_FIELDS));
    await rig.settle();

    expect(await readdir(folders.out)).toEqual([]);
    expect((await readdir(folders.sent)).sort()).toEqual(['Org_20240101_0900.ctl', 'Org_20240101_0900.dat']);
    expect(await readFile(join(folders.sent, 'Org_20240101_0900.dat'))).toEqual(content);

    const [messageId] = bed.fixture.sandbox.inbox(RECIPIENT);
    expect(bed.fixture.sandbox.inbox(RECIPIENT)).toHaveLength(1);
    const stored = bed.fixture.sandbox.message(messageId!)!;
    expect(stored.workflow_id).toBe(WORKFLOW);
    expect(stored.metadata).toMatchObject({ subject: 'Monthly return', local_id: 'ref-001', file_name: 'Org_20240101_0900.dat' });
    expect(stored.total_chunks).toBe(3);
    expect(await downloadText(messageId!)).toEqual(content);

    const sent = await readControl(join(folders.sent, 'Org_20240101_0900.ctl'));
    expect(sent.elements.map((e) => e.name)).toEqual([
      ...Object.keys(JAVA_FIELDS),
      'DTSId',
      'PartnerId',
      'ProcessId',
      'DataChecksum',
      'IsCompressed',
      'StatusRecord',
    ]);
    expect(controlValue(sent, 'DTSId')).toBe(messageId);
    expect(controlValue(sent, 'IsCompressed')).toBe('Y');
    expect(controlValue(sent, 'DataChecksum')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(controlStatus(sent)).toMatchObject({ event: 'TRANSFER', status: 'SUCCESS', statusCode: '00' });
    expect(controlStatus(sent)?.dateTime).toMatch(/^\d{14}$/);
    expect(rig.folderMode.activity(SENDER).map((a) => a.kind)).toEqual(['sent', 'claimed']);
    await rig.close();
  }, 60_000);

  it('moves a malformed control file to FAILED with the reason, keeping what was written', async () => {
    const rig = await bed.rig(SENDER);
    const folders = mailboxFolders(rig.mailbox);
    await writeFile(join(folders.out, 'bad.dat'), 'payload');
    await writeFile(join(folders.out, 'bad.ctl'), '<DTSControl><To_DTS>X26ABC2</To_DTS><WorkflowId>W</DTSControl>');
    await rig.settle();

    expect(await readdir(folders.out)).toEqual([]);
    expect((await readdir(folders.failed)).sort()).toEqual(['bad.ctl', 'bad.ctl.original', 'bad.dat']);
    const failed = await readControl(join(folders.failed, 'bad.ctl'));
    expect(controlStatus(failed)).toMatchObject({ status: 'ERROR', event: 'COLLECT', statusCode: '01' });
    expect(controlStatus(failed)?.description).toMatch(/not valid XML.*line 1/);
    expect(await readFile(join(folders.failed, 'bad.ctl.original'), 'utf8')).toContain('<WorkflowId>W</DTSControl>');
    expect(bed.fixture.sandbox.outbox(SENDER)).toEqual([]);
    await rig.close();
  }, 60_000);

  it('moves a pair with a missing WorkflowId or another mailbox in From_DTS to FAILED, its elements kept', async () => {
    const rig = await bed.rig(SENDER);
    const folders = mailboxFolders(rig.mailbox);
    const { WorkflowId: _omitted, ...noWorkflow } = JAVA_FIELDS;
    await writeFile(join(folders.out, 'a.dat'), 'a');
    await writeFile(join(folders.out, 'a.ctl'), controlXml(noWorkflow));
    await writeFile(join(folders.out, 'b.dat'), 'b');
    await writeFile(join(folders.out, 'b.ctl'), controlXml({ ...JAVA_FIELDS, From_DTS: 'X27ABC3' }));
    await rig.settle();

    const a = await readControl(join(folders.failed, 'a.ctl'));
    expect(controlValue(a, 'To_DTS')).toBe(RECIPIENT);
    expect(controlStatus(a)?.description).toContain('WorkflowId');
    const b = await readControl(join(folders.failed, 'b.ctl'));
    expect(controlStatus(b)).toMatchObject({ event: 'SEND', statusCode: '07' });
    expect(bed.fixture.sandbox.outbox(SENDER)).toEqual([]);
    await rig.close();
  }, 60_000);

  it('moves a send to an unregistered mailbox to FAILED with code 12', async () => {
    const rig = await bed.rig(SENDER);
    const folders = mailboxFolders(rig.mailbox);
    await writeFile(join(folders.out, 'x.dat'), 'data');
    await writeFile(join(folders.out, 'x.ctl'), controlXml({ ...JAVA_FIELDS, To_DTS: 'NOSUCH99' }));
    await rig.settle();
    const failed = await readControl(join(folders.failed, 'x.ctl'));
    expect(controlStatus(failed)).toMatchObject({ status: 'ERROR', event: 'SEND', statusCode: '12' });
    expect(await readFile(join(folders.failed, 'x.dat'), 'utf8')).toBe('data');
    await rig.close();
  }, 60_000);

  it('does not send a data file that is still growing', async () => {
    const rig = await bed.rig(SENDER);
    const folders = mailboxFolders(rig.mailbox);
    const dat = join(folders.out, 'growing.dat');
    await writeFile(dat, 'first part;');
    await writeFile(join(folders.out, 'growing.ctl'), controlXml(JAVA_FIELDS));
    for (let i = 0; i < 5; i++) {
      await rig.pass();
      await appendFile(dat, `more ${i};`);
    }
    await rig.pass();
    expect((await readdir(folders.out)).sort()).toEqual(['growing.ctl', 'growing.dat']);
    expect(bed.fixture.sandbox.outbox(SENDER)).toEqual([]);

    await rig.settle();
    const [messageId] = bed.fixture.sandbox.inbox(RECIPIENT);
    expect((await downloadText(messageId!)).toString()).toBe('first part;more 0;more 1;more 2;more 3;more 4;');
    await rig.close();
  }, 60_000);

  it('waits for a lone .dat’s control file, and sends plain files only with defaults', async () => {
    const rig = await bed.rig(SENDER);
    const folders = mailboxFolders(rig.mailbox);
    await writeFile(join(folders.out, 'report.csv'), 'a,b\n');
    await writeFile(join(folders.out, 'early.dat'), 'early');
    await rig.settle();
    const status = (await rig.folderMode.status())[0]!;
    expect(status.waitingInOut).toBe(2);
    expect(status.problems.some((p) => p.startsWith('report.csv has no control file'))).toBe(true);
    expect(bed.fixture.sandbox.outbox(SENDER)).toEqual([]);

    await writeFile(join(folders.out, 'early.ctl'), controlXml(JAVA_FIELDS));
    await rig.settle();
    expect(await readdir(folders.out)).toEqual(['report.csv']);
    await rig.close();

    const withDefaults = await bed.rig(SENDER, { plainFileDefaults: { to: RECIPIENT, workflowId: WORKFLOW, subject: 'Daily CSV' } });
    const out = mailboxFolders(withDefaults.mailbox);
    await writeFile(join(out.out, 'report.csv'), 'a,b\n');
    await withDefaults.settle();
    expect((await readdir(out.sent)).sort()).toEqual(['report.csv', 'report.csv.ctl']);
    const sent = await readControl(join(out.sent, 'report.csv.ctl'));
    expect(controlValue(sent, 'To_DTS')).toBe(RECIPIENT);
    expect(controlValue(sent, 'Subject')).toBe('Daily CSV');
    expect(bed.fixture.sandbox.message(controlValue(sent, 'DTSId')!)?.metadata.subject).toBe('Daily CSV');
    await withDefaults.close();
  }, 60_000);

  it('never overwrites an earlier file of the same name in SENT', async () => {
    const rig = await bed.rig(SENDER);
    const folders = mailboxFolders(rig.mailbox);
    for (const round of [1, 2]) {
      await writeFile(join(folders.out, 'same.dat'), `round ${round}`);
      await writeFile(join(folders.out, 'same.ctl'), controlXml(JAVA_FIELDS));
      await rig.settle();
    }
    expect((await readdir(folders.sent)).sort()).toEqual(['same.ctl', 'same.dat', 'same_2.ctl', 'same_2.dat']);
    expect(await readFile(join(folders.sent, 'same_2.dat'), 'utf8')).toBe('round 2');
    await rig.close();
  }, 60_000);

  it('leaves no half-written control file in SENT after a crash: the placement it cut short takes its place', async () => {
    const rig = await bed.rig(SENDER);
    const folders = mailboxFolders(rig.mailbox);
    // What a kill between writing the completed control file and renaming it leaves behind; the restarted service
    // redoes the placement, writing the same file again.
    await writeFile(join(folders.sent, '.crashed.ctl.tmp'), '<DTSControl><Version>1.0</Ver');
    await writeFile(join(folders.out, 'crashed.dat'), 'sent once');
    await writeFile(join(folders.out, 'crashed.ctl'), controlXml(JAVA_FIELDS));
    await rig.settle();
    expect((await readdir(folders.sent)).sort()).toEqual(['crashed.ctl', 'crashed.dat']);
    expect(controlStatus(await readControl(join(folders.sent, 'crashed.ctl')))).toMatchObject({ status: 'SUCCESS' });
    await rig.close();
  }, 60_000);
});

describe('receiving into IN', () => {
  it('writes a chunked message to IN complete with its control file, then acknowledges it', async () => {
    const rig = await bed.rig(RECIPIENT);
    const folders = mailboxFolders(rig.mailbox);
    const content = randomBytes(3 * 1024 * 1024 + 17);
    const source = join(bed.dir, 'chunked-source.bin');
    await writeFile(source, content);
    const sender = bed.client(SENDER);
    const messageId = await sender.sendFile(
      source,
      {
        to: RECIPIENT,
        workflowId: WORKFLOW,
        fileName: 'results.csv',
        subject: 'Lab results',
        localId: 'lab-7',
      },
      { chunkSize: 1024 * 1024 },
    );
    expect(bed.fixture.sandbox.message(messageId)?.total_chunks).toBeGreaterThan(1);

    await rig.folderMode.receiveNow(RECIPIENT);

    expect((await readdir(folders.in)).sort()).toEqual([`${messageId}.ctl`, `${messageId}.dat`]);
    expect(await readFile(join(folders.in, `${messageId}.dat`))).toEqual(content);
    const control = await readControl(join(folders.in, `${messageId}.ctl`));
    expect(controlValue(control, 'DTSId')).toBe(messageId);
    expect(controlValue(control, 'From_DTS')).toBe(SENDER);
    expect(controlValue(control, 'To_DTS')).toBe(RECIPIENT);
    expect(controlValue(control, 'WorkflowId')).toBe(WORKFLOW);
    expect(controlValue(control, 'Subject')).toBe('Lab results');
    expect(controlValue(control, 'LocalId')).toBe('lab-7');
    expect(controlStatus(control)).toMatchObject({ event: 'TRANSFER', status: 'SUCCESS', statusCode: '00' });
    expect(controlStatus(control)?.dateTime).toMatch(/^\d{14}$/);
    expect(bed.fixture.sandbox.message(messageId)?.events[0]?.status).toBe('acknowledged');
    // Nothing left over in the work area.
    expect(await readdir(join(rig.mailbox.folder, 'TEMP', 'mesh-desktop', 'receiving'))).toEqual([]);
    await rig.close();
  }, 60_000);

  it('writes a non-delivery report as a control file alone in IN', async () => {
    const rig = await bed.rig(SENDER);
    const folders = mailboxFolders(rig.mailbox);
    await writeFile(join(folders.out, 'lost.dat'), 'never collected');
    await writeFile(join(folders.out, 'lost.ctl'), controlXml(JAVA_FIELDS));
    await rig.settle();
    const messageId = controlValue(await readControl(join(folders.sent, 'lost.ctl')), 'DTSId')!;

    const sandbox = bed.fixture.sandbox;
    sandbox.advanceClock(6 * 24 * 60 * 60_000);
    const [reportId] = await sandbox.expireMessages();
    sandbox.advanceClock(-6 * 24 * 60 * 60_000);
    await rig.folderMode.receiveNow(SENDER);

    expect(await readdir(folders.in)).toEqual([`${reportId}.ctl`]);
    const report = await readControl(join(folders.in, `${reportId}.ctl`));
    expect(controlValue(report, 'MessageType')).toBe('Report');
    expect(controlValue(report, 'DTSId')).toBe(messageId);
    expect(controlValue(report, 'LocalId')).toBe('ref-001');
    expect(controlStatus(report)).toMatchObject({ status: 'ERROR', statusCode: '14' });

    // Written once: a later pass does not bring it back after the person's system took it.
    await rig.pass();
    expect(await readdir(folders.in)).toEqual([`${reportId}.ctl`]);
    await rig.close();
  }, 60_000);
});
