import { describe, expect, it } from 'vitest';
import { decideUnknownOutcome, nextDownloadStep, nextUploadStep, type UnknownOutcomeFacts } from '../../../main/transfers/recovery';

const OURS = 'MD-0b7e4c1e-5d8a-4a57-9d0e-4f2f3c7a9b10';

function facts(overrides: Partial<UnknownOutcomeFacts>): UnknownOutcomeFacts {
  return {
    chunkCount: 1,
    localId: OURS,
    localIdChosenByPerson: false,
    knownMessageIds: new Set(),
    evidence: { kind: 'not-found' },
    notFoundTrusted: false,
    ...overrides,
  };
}

describe('decideUnknownOutcome: our own unique reference', () => {
  it('adopts the message MESH found', () => {
    const decision = decideUnknownOutcome(facts({ evidence: { kind: 'found', messageId: 'NEW1' } }));
    expect(decision).toMatchObject({ action: 'adopt', messageId: 'NEW1' });
    expect(decision.reason).toContain(OURS);
  });

  it('adopts it for chunked sends too', () => {
    expect(decideUnknownOutcome(facts({ chunkCount: 5, evidence: { kind: 'found', messageId: 'NEW1' } }))).toMatchObject({
      action: 'adopt',
      messageId: 'NEW1',
    });
  });

  it('sends a single-chunk file again on a trusted "none"', () => {
    expect(decideUnknownOutcome(facts({ notFoundTrusted: true })).action).toBe('send-again');
  });

  it('asks the person on an untrusted "none" for a single-chunk file (sending again could duplicate it)', () => {
    const decision = decideUnknownOutcome(facts({ notFoundTrusted: false }));
    expect(decision.action).toBe('ask-person');
    expect(decision.reason).toMatch(/cannot be trusted/);
  });

  it('sends again once the person confirmed, and says so', () => {
    const decision = decideUnknownOutcome(facts({ notFoundTrusted: false, sendAgainConfirmed: true }));
    expect(decision.action).toBe('send-again');
    expect(decision.reason).toMatch(/person checked/);
  });

  it('always sends the first chunk of a chunked file again on "none": an unfinished copy is never delivered', () => {
    const decision = decideUnknownOutcome(facts({ chunkCount: 3, notFoundTrusted: false }));
    expect(decision.action).toBe('send-again');
    expect(decision.reason).toMatch(/last part/);
  });

  it('checks later when MESH could not be asked', () => {
    expect(decideUnknownOutcome(facts({ evidence: { kind: 'unavailable', reason: 'timeout' } })).action).toBe('check-later');
    expect(decideUnknownOutcome(facts({ chunkCount: 4, evidence: { kind: 'unavailable', reason: 'x' } })).action).toBe('check-later');
  });

  it('treats "several" without ids as arrived for a single chunk (our reference is unique)', () => {
    expect(decideUnknownOutcome(facts({ evidence: { kind: 'several' } })).action).toBe('landed-id-unknown');
  });

  it('adopts the one new message among several listed', () => {
    const decision = decideUnknownOutcome(
      facts({ evidence: { kind: 'several', messageIds: ['OLD', 'NEW'] }, knownMessageIds: new Set(['OLD']) }),
    );
    expect(decision).toMatchObject({ action: 'adopt', messageId: 'NEW' });
  });

  it('abandons several new unfinished copies of a chunked send and sends once more', () => {
    const decision = decideUnknownOutcome(facts({ chunkCount: 2, evidence: { kind: 'several', messageIds: ['A', 'B'] } }));
    expect(decision).toMatchObject({ action: 'send-again', abandon: ['A', 'B'] });
  });

  it('does not adopt a copy it abandoned before', () => {
    const decision = decideUnknownOutcome(
      facts({ chunkCount: 2, evidence: { kind: 'several', messageIds: ['ABANDONED', 'LATEST'] }, knownMessageIds: new Set(['ABANDONED']) }),
    );
    expect(decision).toMatchObject({ action: 'adopt', messageId: 'LATEST' });
  });

  it('says the file arrived when several new single-chunk copies exist (it cannot be undone)', () => {
    expect(decideUnknownOutcome(facts({ evidence: { kind: 'several', messageIds: ['A', 'B'] } })).action).toBe('landed-id-unknown');
  });
});

describe('decideUnknownOutcome: a reference the person chose', () => {
  const person = { localId: 'INV-2025-001', localIdChosenByPerson: true };

  it('adopts a match that was not there before the send', () => {
    expect(
      decideUnknownOutcome(facts({ ...person, snapshot: { kind: 'none' }, evidence: { kind: 'found', messageId: 'NEW' } })),
    ).toMatchObject({ action: 'adopt', messageId: 'NEW' });
  });

  it('does not adopt a match that was there before: ours did not arrive, and the search works', () => {
    const decision = decideUnknownOutcome(
      facts({ ...person, snapshot: { kind: 'found', messageIds: ['OLD'] }, evidence: { kind: 'found', messageId: 'OLD' } }),
    );
    expect(decision.action).toBe('send-again');
  });

  it('counts "several" after one before as arrived', () => {
    expect(
      decideUnknownOutcome(facts({ ...person, snapshot: { kind: 'found', messageIds: ['OLD'] }, evidence: { kind: 'several' } })).action,
    ).toBe('landed-id-unknown');
  });

  it('asks the person when the reference was already shared by several messages', () => {
    expect(decideUnknownOutcome(facts({ ...person, snapshot: { kind: 'several' }, evidence: { kind: 'several' } })).action).toBe(
      'ask-person',
    );
  });

  it('does not trust "none" when messages that had the reference before are no longer found', () => {
    const decision = decideUnknownOutcome(facts({ ...person, notFoundTrusted: true, snapshot: { kind: 'found', messageIds: ['OLD'] } }));
    expect(decision.action).toBe('ask-person');
  });

  it('without a snapshot, a match may be an older message: ask for one chunk, resend the first part for chunked', () => {
    expect(decideUnknownOutcome(facts({ ...person, evidence: { kind: 'found', messageId: 'X' } })).action).toBe('ask-person');
    expect(decideUnknownOutcome(facts({ ...person, chunkCount: 3, evidence: { kind: 'found', messageId: 'X' } })).action).toBe(
      'send-again',
    );
  });
});

describe('nextUploadStep', () => {
  const base = { chunkCount: 3, chunksConfirmed: 0, wantChecksum: true };

  it('works out the checksum first', () => {
    expect(nextUploadStep(base)).toEqual({ step: 'prepare' });
  });

  it('skips the checksum when not wanted', () => {
    expect(nextUploadStep({ ...base, wantChecksum: false })).toEqual({ step: 'send-first' });
  });

  it('sends chunk 1 once the checksum is known', () => {
    expect(nextUploadStep({ ...base, checksum: 'sha256:x' })).toEqual({ step: 'send-first' });
  });

  it('settles an intent without a message id before anything else', () => {
    expect(nextUploadStep({ ...base, checksum: 'sha256:x', firstPostIntent: { attempt: 1, at: '' } })).toEqual({
      step: 'resolve-first-post',
    });
  });

  it('resumes after the last confirmed chunk', () => {
    expect(nextUploadStep({ ...base, checksum: 'sha256:x', messageId: 'M', chunksConfirmed: 1 })).toEqual({ step: 'send-chunk', k: 2 });
    expect(nextUploadStep({ ...base, checksum: 'sha256:x', messageId: 'M', chunksConfirmed: 2 })).toEqual({ step: 'send-chunk', k: 3 });
  });

  it('is finished when every chunk is confirmed, or once sent', () => {
    expect(nextUploadStep({ ...base, messageId: 'M', chunksConfirmed: 3 })).toEqual({ step: 'finished' });
    expect(nextUploadStep({ ...base, sentAt: '2025-01-01T00:00:00Z' })).toEqual({ step: 'finished' });
  });
});

describe('nextDownloadStep', () => {
  const facts = { messageId: 'M', messageType: 'DATA' as const, encrypted: false, compressed: false, chunkCount: 3 };
  const base = { chunksDone: 0, bytesDone: 0, acknowledge: 'after-save' as const };

  it('starts at chunk 1, offset 0', () => {
    expect(nextDownloadStep(base)).toEqual({ step: 'fetch', k: 1, offset: 0 });
  });

  it('resumes after the last flushed chunk at its offset', () => {
    expect(nextDownloadStep({ ...base, facts, chunksDone: 2, bytesDone: 2000 })).toEqual({ step: 'fetch', k: 3, offset: 2000 });
  });

  it('verifies once every chunk is in', () => {
    expect(nextDownloadStep({ ...base, facts, chunksDone: 3, bytesDone: 3000 })).toEqual({ step: 'verify' });
  });

  it('places the file after verification, or finishes an interrupted placement', () => {
    const verification = { bytes: 3000, checksum: 'not-checked' as const, lengthsChecked: true };
    expect(nextDownloadStep({ ...base, facts, chunksDone: 3, verification })).toEqual({ step: 'place' });
    expect(nextDownloadStep({ ...base, facts, chunksDone: 3, verification, placingAs: 'a.csv' })).toEqual({ step: 'place' });
  });

  it('writes the sidecar, then acknowledges only for after-save', () => {
    const saved = { ...base, facts, chunksDone: 3, savedPath: '/x/a.csv' };
    expect(nextDownloadStep(saved)).toEqual({ step: 'describe' });
    expect(nextDownloadStep({ ...saved, sidecarPath: '/x/a.csv.mesh.json' })).toEqual({ step: 'acknowledge' });
    expect(nextDownloadStep({ ...saved, sidecarPath: '/x/a.csv.mesh.json', acknowledge: 'manual' })).toEqual({ step: 'finished' });
    expect(nextDownloadStep({ ...saved, sidecarPath: '/x/a.csv.mesh.json', acknowledgedAt: 'now' })).toEqual({ step: 'finished' });
  });

  it('never acknowledges before the file is saved', () => {
    for (const chunksDone of [0, 1, 2, 3]) {
      expect(nextDownloadStep({ ...base, facts, chunksDone, bytesDone: chunksDone * 10 }).step).not.toBe('acknowledge');
    }
  });
});
