import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSeveralMessageIds } from '../../../main/mesh/local-id-tracking';
import { RECIPIENT, SENDER, WORKFLOW, startEngineBed, type EngineBed } from './engine-fixture';

describe('parseSeveralMessageIds', () => {
  it.each([
    ['{"messageIds":["A","B"]}', ['A', 'B']],
    ['{"message_ids":["A"]}', ['A']],
    ['{"messages":["A",1,"",null,"B"]}', ['A', 'B']],
  ])('%s', (body, ids) => {
    expect(parseSeveralMessageIds(body)).toEqual(ids);
  });

  it.each(['', 'not json', '{}', '{"messageIds":[]}', '[]', 'null'])('%j has none', (body) => {
    expect(parseSeveralMessageIds(body)).toBeUndefined();
  });
});

describe('tracking by local id against the emulator', () => {
  let bed: EngineBed;
  beforeAll(async () => {
    bed = await startEngineBed();
  });
  afterAll(async () => {
    await bed?.close();
  });
  beforeEach(async () => {
    await bed.reset();
  });

  async function sendWithReference(localId: string): Promise<string> {
    const file = await bed.randomFile(`ref-${Math.random().toString(36).slice(2)}.txt`, 10);
    return bed.client(SENDER).sendFile(file.path, { to: RECIPIENT, workflowId: WORKFLOW, localId });
  }

  it('finds none, one, or several', async () => {
    const client = bed.client(SENDER);
    expect(await client.trackByLocalId('REF-NONE')).toEqual({ kind: 'not-found' });
    const first = await sendWithReference('REF-A');
    const found = await client.trackByLocalId('REF-A');
    expect(found).toMatchObject({ kind: 'found', tracking: { messageId: first, localId: 'REF-A' } });
    const second = await sendWithReference('REF-A');
    const several = await client.trackByLocalId('REF-A');
    expect(several.kind).toBe('several');
    expect(several.kind === 'several' && several.messageIds?.sort()).toEqual([first, second].sort());
  });

  it('only finds the mailbox’s own messages', async () => {
    await sendWithReference('REF-MINE');
    expect(await bed.client(RECIPIENT).trackByLocalId('REF-MINE')).toEqual({ kind: 'not-found' });
  });

  it('escapes the reference in the path', async () => {
    await sendWithReference('a/b?c');
    expect(await bed.client(SENDER).trackByLocalId('a/b?c')).toMatchObject({ kind: 'found' });
  });

  it('retries a 503 burst and maps other failures to AppErrors', async () => {
    await sendWithReference('REF-B');
    bed.fixture.sandbox.faults.add({ kind: 'status', status: 503, match: { path: '/outbox/tracking/' }, count: 2 });
    expect(await bed.client(SENDER).trackByLocalId('REF-B')).toMatchObject({ kind: 'found' });
    bed.fixture.sandbox.faults.add({
      kind: 'status',
      status: 403,
      body: '{"detail":[{"event":"","code":"","msg":"Invalid Authentication Token"}]}',
      match: { path: '/outbox/tracking/' },
      count: 1,
    });
    await expect(bed.client(SENDER).trackByLocalId('REF-B')).rejects.toMatchObject({ code: 'auth-failed' });
  });
});
