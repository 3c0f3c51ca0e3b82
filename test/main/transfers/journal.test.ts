import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../../main/log/logger';
import { replayChanges, TransferJournal } from '../../../main/transfers/journal';
import { MailboxStore, profileFolderName } from '../../../main/transfers/mailbox-store';
import type { DownloadRecord } from '../../../main/transfers/types';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function record(id: string, createdAt: string): DownloadRecord {
  return {
    id,
    kind: 'download',
    profileId: 'p1',
    state: 'queued',
    createdAt,
    updatedAt: createdAt,
    autoRetries: 0,
    messageId: 'M1',
    destinationFolder: dir,
    acknowledge: 'after-save',
    partPath: join(dir, 'M1.mesh.part'),
    chunksDone: 0,
    bytesDone: 0,
  };
}

describe('TransferJournal', () => {
  it('saves and reloads records, oldest first', async () => {
    const journal = new TransferJournal(dir, silentLogger);
    await journal.save(record('b', '2025-01-02T00:00:00Z'));
    await journal.save(record('a', '2025-01-01T00:00:00Z'));
    const loaded = await new TransferJournal(dir, silentLogger).loadAll();
    expect(loaded.records.map((r) => r.id)).toEqual(['a', 'b']);
    expect(loaded.setAside).toEqual([]);
  });

  it('keeps the latest of many quick saves of one record', async () => {
    const journal = new TransferJournal(dir, silentLogger);
    const r = record('a', '2025-01-01T00:00:00Z');
    const saves = [];
    for (let k = 1; k <= 20; k++) {
      r.chunksDone = k;
      saves.push(journal.save(r));
    }
    await Promise.all(saves);
    const [loaded] = (await journal.loadAll()).records;
    expect((loaded as DownloadRecord).chunksDone).toBe(20);
  });

  it('saves a snapshot: later changes to the object are not written by an earlier save', async () => {
    const journal = new TransferJournal(dir, silentLogger);
    const r = record('a', '2025-01-01T00:00:00Z');
    r.chunksDone = 1;
    const saving = journal.save(r);
    r.chunksDone = 99;
    await saving;
    const [loaded] = (await journal.loadAll()).records;
    expect((loaded as DownloadRecord).chunksDone).toBe(1);
  });

  it('ignores and removes temp files left by a crash mid-write, keeping the old record', async () => {
    const journal = new TransferJournal(dir, silentLogger);
    await journal.save(record('a', '2025-01-01T00:00:00Z'));
    await writeFile(join(dir, 'journal', '.a.json.1234.tmp'), '{"id":"a","kind":"downl');
    const loaded = await journal.loadAll();
    expect(loaded.records).toHaveLength(1);
    expect(await readdir(join(dir, 'journal'))).toEqual(['a.json']);
  });

  it('sets an unreadable record aside rather than dropping it silently', async () => {
    await mkdir(join(dir, 'journal'), { recursive: true });
    await writeFile(join(dir, 'journal', 'bad.json'), 'not json');
    await writeFile(join(dir, 'journal', 'odd.json'), '{"hello":1}');
    const loaded = await new TransferJournal(dir, silentLogger).loadAll();
    expect(loaded.records).toEqual([]);
    expect(loaded.setAside.map((entry) => entry.movedTo).sort()).toEqual([
      join(dir, 'journal', 'bad.json.unreadable'),
      join(dir, 'journal', 'odd.json.unreadable'),
    ]);
    expect((await readdir(join(dir, 'journal'))).sort()).toEqual(['bad.json.unreadable', 'odd.json.unreadable']);
    expect(await readFile(join(dir, 'journal', 'bad.json.unreadable'), 'utf8')).toBe('not json');
  });

  it('removes records', async () => {
    const journal = new TransferJournal(dir, silentLogger);
    await journal.save(record('a', '2025-01-01T00:00:00Z'));
    await journal.remove('a');
    expect(await journal.loadAll()).toEqual({ records: [], setAside: [] });
  });

  it('refuses ids that could name a path', async () => {
    const journal = new TransferJournal(dir, silentLogger);
    await expect(journal.save(record('../escape', '2025-01-01T00:00:00Z'))).rejects.toThrow(/invalid transfer id/);
  });

  it('returns nothing for a fresh state folder', async () => {
    expect(await new TransferJournal(join(dir, 'none'), silentLogger).loadAll()).toEqual({ records: [], setAside: [] });
  });
});

describe("TransferJournal: saves go to one log, folded into the records' files", () => {
  const journalFolder = () => join(dir, 'journal');
  const names = async () => (await readdir(journalFolder())).sort();

  it("a save is one line of changes.jsonl until a fold writes the record's own file; loading folds and empties the log", async () => {
    const journal = new TransferJournal(dir, silentLogger);
    const r = record('a', '2025-01-01T00:00:00Z');
    await journal.save(r);
    r.chunksDone = 2;
    await journal.save(r);
    expect(await names()).toEqual(['changes.jsonl']);
    const lines = (await readFile(join(journalFolder(), 'changes.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { save: DownloadRecord }).save.chunksDone)).toEqual([0, 2]);
    // A new start (after a crash: nothing was flushed or folded) replays the log over the files.
    const loaded = await new TransferJournal(dir, silentLogger).loadAll();
    expect(loaded.records).toEqual([r]);
    expect(await names()).toEqual(['a.json']);
    expect(JSON.parse(await readFile(join(journalFolder(), 'a.json'), 'utf8'))).toEqual(r);
  });

  it("the log's last line wins over the record's file, and a torn last line (never confirmed) is dropped", async () => {
    const journal = new TransferJournal(dir, silentLogger);
    const r = record('a', '2025-01-01T00:00:00Z');
    r.chunksDone = 1;
    await journal.save(r);
    await journal.flush();
    expect(await names()).toEqual(['a.json']);
    r.chunksDone = 3;
    await journal.save(r);
    const torn = JSON.stringify({ save: { ...r, chunksDone: 4 } });
    await appendFile(join(journalFolder(), 'changes.jsonl'), torn.slice(0, torn.length - 5));
    const [loaded] = (await new TransferJournal(dir, silentLogger).loadAll()).records;
    expect((loaded as DownloadRecord).chunksDone).toBe(3);
    expect(await names()).toEqual(['a.json']);
  });

  it("flush at shutdown folds the log, so a clean stop leaves only the records' files (what an older version reads)", async () => {
    const journal = new TransferJournal(dir, silentLogger);
    await journal.save(record('a', '2025-01-01T00:00:00Z'));
    await journal.save(record('b', '2025-01-02T00:00:00Z'));
    await journal.flush();
    expect(await names()).toEqual(['a.json', 'b.json']);
  });

  it('folds on its own once the log passes its size, and saves made meanwhile go into the next log', async () => {
    const journal = new TransferJournal(dir, silentLogger, { compactAtBytes: 4096 });
    const r = record('a', '2025-01-01T00:00:00Z');
    for (let k = 1; k <= 40; k++) {
      r.chunksDone = k;
      await journal.save(r);
    }
    await journal.save(record('b', '2025-01-02T00:00:00Z'));
    // The fold runs after the save that passed the size; give it its turn.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await names()).toContain('a.json');
    const bytes = (await readFile(join(journalFolder(), 'changes.jsonl'), 'utf8').catch(() => '')).length;
    expect(bytes).toBeLessThan(4096);
    const loaded = await new TransferJournal(dir, silentLogger).loadAll();
    expect(loaded.records.map((x) => [x.id, (x as DownloadRecord).chunksDone])).toEqual([
      ['a', 40],
      ['b', 0],
    ]);
  });

  it('a removal is a line too: a record removed and not yet folded stays removed after a crash', async () => {
    const journal = new TransferJournal(dir, silentLogger);
    await journal.save(record('a', '2025-01-01T00:00:00Z'));
    await journal.flush();
    await journal.remove('a');
    expect(await names()).toEqual(['a.json', 'changes.jsonl']);
    expect((await new TransferJournal(dir, silentLogger).loadAll()).records).toEqual([]);
    expect(await names()).toEqual([]);
  });

  it('a newest save that does not fit the schema sets the record aside, its older file with it; the others load', async () => {
    const log = createLogger({ console: false });
    const journal = new TransferJournal(dir, silentLogger);
    await journal.save(record('a', '2025-01-01T00:00:00Z'));
    await journal.save(record('b', '2025-01-02T00:00:00Z'));
    await journal.flush();
    await appendFile(
      join(journalFolder(), 'changes.jsonl'),
      `${JSON.stringify({ save: { ...record('a', '2025-01-01T00:00:00Z'), state: 'teleporting' } })}\n`,
    );
    const loaded = await new TransferJournal(dir, log).loadAll();
    expect(loaded.records.map((x) => x.id)).toEqual(['b']);
    expect(loaded.setAside).toHaveLength(1);
    expect(loaded.setAside[0]!.problem).toMatch(/^its newest save in the log is not a transfer record: state/);
    expect(await names()).toEqual(['a.json.1.unreadable', 'a.json.unreadable', 'b.json']);
    // The older state and the newest line are both kept, never dropped.
    expect(JSON.parse(await readFile(join(journalFolder(), 'a.json.unreadable'), 'utf8'))).toMatchObject({ state: 'queued' });
    expect(JSON.parse(await readFile(join(journalFolder(), 'a.json.1.unreadable'), 'utf8'))).toMatchObject({ state: 'teleporting' });
    expect(log.recent().join('\n')).not.toContain('teleporting');
  });

  it('lines that name no transfer are kept beside the journal with the log, and the records still load', async () => {
    const journal = new TransferJournal(dir, silentLogger);
    await journal.save(record('a', '2025-01-01T00:00:00Z'));
    await appendFile(join(journalFolder(), 'changes.jsonl'), 'garbage\n{"save":{"id":"../x"}}\n');
    const loaded = await new TransferJournal(dir, silentLogger).loadAll();
    expect(loaded.records.map((x) => x.id)).toEqual(['a']);
    expect(loaded.setAside).toEqual([
      {
        file: join(journalFolder(), 'changes.jsonl'),
        movedTo: join(journalFolder(), 'changes.jsonl.unreadable'),
        problem: '2 of its lines could not be read',
      },
    ]);
    expect(await names()).toEqual(['a.json', 'changes.jsonl.unreadable']);
  });
});

describe('replayChanges', () => {
  const save = (id: string, chunksDone: number) => ({ save: { ...record(id, '2025-01-01T00:00:00Z'), chunksDone } });

  it('keeps the last line for each transfer, removals included', () => {
    const replayed = replayChanges([save('a', 1), save('b', 1), save('a', 2), { removed: 'b' }]);
    expect([...replayed.latest].map(([id, record]) => [id, record && (record as DownloadRecord).chunksDone])).toEqual([
      ['a', 2],
      ['b', null],
    ]);
    expect(replayed.damaged.size).toBe(0);
  });

  it('a damaged line is superseded by a good later one, and supersedes a good earlier one', () => {
    const bad = { save: { id: 'a', kind: 'download' } };
    expect(replayChanges([bad, save('a', 5)]).damaged.size).toBe(0);
    const replayed = replayChanges([save('a', 5), bad]);
    expect(replayed.latest.has('a')).toBe(false);
    expect([...replayed.damaged.keys()]).toEqual(['a']);
  });

  it('counts lines that name no transfer, or one no id could be', () => {
    expect(replayChanges([{}, { save: {} }, { save: { id: '../up' } }, { removed: 'a/b' }, 'text'], 1).unreadableLines).toBe(6);
  });
});

describe('MailboxStore', () => {
  it('persists sent records, inbox and schedule across instances', async () => {
    const store = new MailboxStore(dir, 'profile-1', silentLogger);
    await store.upsertSent({
      transferId: 't1',
      profileId: 'profile-1',
      localId: 'L',
      appLocalId: 'L',
      to: 'X26ABC2',
      workflowId: 'WF',
      fileName: 'a.csv',
      filePath: '/a.csv',
      size: 1,
      queuedAt: '2025-01-01T00:00:00Z',
      sentAt: '2025-01-01T00:01:00Z',
    });
    await store.updateSchedule({ lastPollAt: '2025-01-01T00:00:00Z' });
    await store.flush();
    const again = new MailboxStore(dir, 'profile-1', silentLogger);
    expect((await again.sent()).map((s) => s.transferId)).toEqual(['t1']);
    expect(await again.schedule()).toEqual({ lastPollAt: '2025-01-01T00:00:00Z' });
    expect(await again.inbox()).toEqual([]);
  });

  it('appends a change per message and reads the snapshot with its log replayed', async () => {
    const store = new MailboxStore(dir, 'p', silentLogger);
    const sent = (id: string, status?: string) => ({
      transferId: id,
      profileId: 'p',
      localId: id,
      appLocalId: id,
      to: 'X26ABC2',
      workflowId: 'WF',
      fileName: `${id}.csv`,
      filePath: `/${id}.csv`,
      size: 1,
      queuedAt: `2025-01-01T00:00:0${id.length}Z`,
      ...(status ? { status } : {}),
    });
    await store.upsertSent(sent('a'));
    await store.upsertSent(sent('bb'));
    await store.updateSent((record) => {
      if (record.transferId !== 'a') return false;
      record.status = 'acknowledged';
      return true;
    });
    const lines = (await readFile(join(dir, 'mailboxes', 'p', 'sent.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(3);
    await expect(readFile(join(dir, 'mailboxes', 'p', 'sent.json'))).rejects.toThrow(/ENOENT/);
    const again = new MailboxStore(dir, 'p', silentLogger);
    expect(await again.sent()).toEqual([sent('bb'), sent('a', 'acknowledged')]);
  });

  it('replays a log kept by a crash after its snapshot to the same state, and drops a torn last line', async () => {
    const folder = join(dir, 'mailboxes', 'p');
    await mkdir(folder, { recursive: true });
    const entry = (id: string, savedPath?: string) => ({
      facts: { messageId: id, messageType: 'DATA' as const, encrypted: false, compressed: false, chunkCount: 1 },
      receivedAt: '2025-01-01T00:00:00Z',
      firstSeenAt: '2025-01-01T00:00:00Z',
      ...(savedPath ? { savedPath } : {}),
    });
    // The snapshot already has the log's changes: a crash came between the snapshot's rename and the log's removal.
    await writeFile(join(folder, 'inbox.json'), JSON.stringify([entry('M2', '/in/M2')]));
    await writeFile(
      join(folder, 'inbox.jsonl'),
      [{ put: entry('M1') }, { put: entry('M2') }, { remove: 'M1' }, { put: entry('M2', '/in/M2') }]
        .map((line) => JSON.stringify(line))
        .join('\n') + '\n{"put":{"fac',
    );
    const store = new MailboxStore(dir, 'p', silentLogger);
    expect(await store.inbox()).toEqual([entry('M2', '/in/M2')]);
    // The torn line was compacted away before anything else could be appended after it.
    expect(await readFile(join(folder, 'inbox.jsonl'), 'utf8').catch(() => '')).toBe('');
    await store.updateInboxEntry('M2', (cached) => {
      cached.downloadTransferId = 't';
    });
    expect(await new MailboxStore(dir, 'p', silentLogger).inbox()).toEqual([{ ...entry('M2', '/in/M2'), downloadTransferId: 't' }]);
  });

  it('drops one inbox entry with one line, leaving the list it was given alone', async () => {
    const store = new MailboxStore(dir, 'p', silentLogger);
    const entry = (id: string) => ({
      facts: { messageId: id, messageType: 'DATA' as const, encrypted: false, compressed: false, chunkCount: 1 },
      receivedAt: '2025-01-01T00:00:00Z',
      firstSeenAt: '2025-01-01T00:00:00Z',
    });
    const given = [entry('M1'), entry('M2'), entry('M3')];
    await store.setInbox(given);
    await store.removeInboxEntry('M2');
    await store.removeInboxEntry('M9');
    expect(given.map((e) => e.facts.messageId)).toEqual(['M1', 'M2', 'M3']);
    expect(await store.inbox()).toEqual([entry('M1'), entry('M3')]);
    const lines = (await readFile(join(dir, 'mailboxes', 'p', 'inbox.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.at(-1)).toBe(JSON.stringify({ remove: 'M2' }));
    expect(await new MailboxStore(dir, 'p', silentLogger).inbox()).toEqual([entry('M1'), entry('M3')]);
  });

  it('keeps the order setInbox was given, and compacts a log grown past its snapshot', async () => {
    const store = new MailboxStore(dir, 'p', silentLogger);
    const entries = Array.from({ length: 400 }, (_, n) => ({
      facts: {
        messageId: `M${n}`,
        messageType: 'DATA' as const,
        encrypted: false,
        compressed: false,
        chunkCount: 1,
        subject: 'x'.repeat(200),
      },
      receivedAt: '2025-01-01T00:00:00Z',
      firstSeenAt: '2025-01-01T00:00:00Z',
    }));
    await store.setInbox(entries);
    await store.setInbox([...entries].reverse());
    for (const entry of entries.slice(0, 50)) await store.updateInboxEntry(entry.facts.messageId, (e) => (e.savedPath = '/x'));
    await store.flush();
    const folder = join(dir, 'mailboxes', 'p');
    const snapshot = JSON.parse(await readFile(join(folder, 'inbox.json'), 'utf8')) as unknown[];
    expect(snapshot.length).toBe(400);
    const expected = [...entries].reverse().map((e, n) => (n >= 350 ? { ...e, savedPath: '/x' } : e));
    expect(await new MailboxStore(dir, 'p', silentLogger).inbox()).toEqual(expected);
  });

  it('starts a damaged file empty instead of failing', async () => {
    await mkdir(join(dir, 'mailboxes', 'p'), { recursive: true });
    await writeFile(join(dir, 'mailboxes', 'p', 'sent.json'), '{broken');
    expect(await new MailboxStore(dir, 'p', silentLogger).sent()).toEqual([]);
  });

  it('never uses a profile id as a path as it is', () => {
    expect(profileFolderName('4b1d0f0e-7c55-4c1e-9d7e-2a3b4c5d6e7f')).toBe('4b1d0f0e-7c55-4c1e-9d7e-2a3b4c5d6e7f');
    expect(profileFolderName('../../etc')).toMatch(/^p-[0-9a-f]{32}$/);
    expect(profileFolderName('a/b')).not.toContain('/');
  });
});
