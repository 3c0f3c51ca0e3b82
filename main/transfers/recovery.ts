/**
 * Recovery decisions, as pure functions of what the journal recorded and
 * what MESH says now.
 *
 * The hard case is a first POST /outbox whose answer never came (the
 * connection dropped after the body went out, or the process died between
 * writing "about to POST" and writing the message id). Sending again blindly
 * could deliver the file twice; giving up could leave it undelivered.
 *
 * Evidence, most reliable first:
 *  1. The 202's message id, when we recorded it: no doubt at all.
 *  2. Tracking by local id (GET /outbox/tracking/{local_id}). It is the only
 *     MESH query that finds a message without knowing its id, and every send
 *     carries a reference that is unique by construction ("MD-<uuid>") unless
 *     the person chose their own. 200 names the message; 300 says there are
 *     several; 404 says none. It is deprecated, so a 404 is only trusted
 *     once the endpoint has been seen to find a message of this mailbox.
 *     (Tracking by message id cannot help: the id is exactly what we lack.)
 *  3. The nature of chunked messages: MESH delivers nothing until the last
 *     chunk arrives. When a chunked send's first POST is in doubt, a new
 *     first POST is always safe — any copy that did land stays `uploading`
 *     for ever and is never delivered, because we never finish it.
 *
 * So chunked sends never need a person. A single-chunk send does when MESH
 * cannot tell us (404 from an endpoint not yet proven to work, or "several"
 * messages with a reference the person reused): sending again could
 * duplicate it and not sending could lose it, and only a person can check.
 */
import type { DownloadRecord, LocalIdSnapshot, RecoveryAction, UploadRecord } from './types';

/** What GET /outbox/tracking/{local_id} said. */
export type LocalIdEvidence =
  | { kind: 'found'; messageId: string }
  | { kind: 'not-found' }
  | { kind: 'several'; messageIds?: string[] }
  | { kind: 'unavailable'; reason: string };

/** Everything the decision depends on. */
export interface UnknownOutcomeFacts {
  chunkCount: number;
  localId: string;
  localIdChosenByPerson: boolean;
  /** For a person's reference: which messages had it before our first POST. */
  snapshot?: LocalIdSnapshot;
  /** Message ids known to be other sends (this mailbox's sent history, abandoned copies). */
  knownMessageIds: ReadonlySet<string>;
  evidence: LocalIdEvidence;
  /** This mailbox's local-id tracking has been seen to find a message we know exists. */
  notFoundTrusted: boolean;
  /** The person looked into it and said to send again. */
  sendAgainConfirmed?: boolean;
}

export interface RecoveryDecision {
  action: RecoveryAction;
  /** Why, in a sentence that can be shown to a person and kept in the journal. */
  reason: string;
  messageId?: string;
  /** Copies to leave unfinished (chunked sends only). */
  abandon?: string[];
}

function snapshotIds(snapshot: LocalIdSnapshot | undefined): string[] {
  if (!snapshot || snapshot.kind === 'none') return [];
  return snapshot.messageIds ?? [];
}

/** Decides what to do about a first POST whose outcome is unknown. */
export function decideUnknownOutcome(facts: UnknownOutcomeFacts): RecoveryDecision {
  const { evidence, localId } = facts;
  const chunked = facts.chunkCount > 1;
  const before = new Set([...snapshotIds(facts.snapshot), ...facts.knownMessageIds]);
  const snapshotHadSome = facts.snapshot !== undefined && facts.snapshot.kind !== 'none';

  const askPerson = (reason: string): RecoveryDecision =>
    facts.sendAgainConfirmed
      ? { action: 'send-again', reason: `${reason} The person checked and chose to send it again.` }
      : { action: 'ask-person', reason };

  const notLanded = (trusted: boolean, why: string): RecoveryDecision => {
    if (chunked) {
      return {
        action: 'send-again',
        reason: `${why} Sending the first part again is safe: a chunked message is only delivered once its last part arrives, and any earlier copy will never get one.`,
      };
    }
    if (trusted) return { action: 'send-again', reason: `${why} The file was not delivered, so it is sent again.` };
    return askPerson(
      `${why} MESH Desktop has not yet seen MESH's search by reference find a message from this mailbox, so this answer cannot be trusted on its own.`,
    );
  };

  switch (evidence.kind) {
    case 'unavailable':
      return {
        action: 'check-later',
        reason: `MESH could not be asked whether the file arrived (${evidence.reason}); asking again later.`,
      };

    case 'found':
      if (facts.localIdChosenByPerson && facts.snapshot === undefined) {
        // Without knowing what had this reference before, the match may be an older message.
        return chunked
          ? {
              action: 'send-again',
              reason: `MESH has message ${evidence.messageId} with reference ${localId}, but it may be an older one. A chunked message is only delivered once its last part arrives, so the first part is sent again.`,
            }
          : askPerson(
              `MESH has message ${evidence.messageId} with reference ${localId}, but that reference may have been used before, so it may not be this file.`,
            );
      }
      if (!before.has(evidence.messageId)) {
        return {
          action: 'adopt',
          messageId: evidence.messageId,
          reason: `MESH has message ${evidence.messageId} with reference ${localId}, which is the one MESH Desktop sent.`,
        };
      }
      // The only match existed before we sent: ours did not land, and the endpoint demonstrably works.
      return notLanded(true, `The only message with reference ${localId} is ${evidence.messageId}, which was there before this send.`);

    case 'several': {
      if (evidence.messageIds && evidence.messageIds.length > 0) {
        const fresh = evidence.messageIds.filter((id) => !before.has(id));
        if (fresh.length === 0) {
          return notLanded(true, `Every message with reference ${localId} was there before this send.`);
        }
        if (fresh.length === 1) {
          return {
            action: 'adopt',
            messageId: fresh[0]!,
            reason: `Of the messages with reference ${localId}, only ${fresh[0]} is new: it is the one MESH Desktop sent.`,
          };
        }
        if (chunked) {
          return {
            action: 'send-again',
            abandon: fresh,
            reason: `MESH has ${fresh.length} unfinished copies with reference ${localId}. They are left unfinished (never delivered) and the file is sent once more.`,
          };
        }
        return {
          action: 'landed-id-unknown',
          reason: `MESH has ${fresh.length} new messages with reference ${localId} (${fresh.join(', ')}): the file arrived. It is not sent again.`,
        };
      }
      if (chunked) {
        return {
          action: 'send-again',
          reason: `MESH has several messages with reference ${localId} but did not say which. None of them can have been delivered (the last part was never sent), so the file is sent once more.`,
        };
      }
      if (!facts.localIdChosenByPerson || facts.snapshot?.kind !== 'several') {
        return {
          action: 'landed-id-unknown',
          reason: `MESH now has more than one message with reference ${localId}, so the file arrived; MESH did not say its message id. It is not sent again.`,
        };
      }
      return askPerson(`Reference ${localId} was already used by several messages, so MESH cannot say whether this one arrived.`);
    }

    case 'not-found': {
      if (snapshotHadSome) {
        // Messages that were there a moment ago are not found: the search cannot be trusted.
        return notLanded(false, `MESH no longer finds the messages that had reference ${localId} before this send.`);
      }
      return notLanded(facts.notFoundTrusted, `MESH has no message with reference ${localId}.`);
    }
  }
}

/** The next step of a send, from its journal record. */
export type UploadStep =
  { step: 'prepare' } | { step: 'resolve-first-post' } | { step: 'send-first' } | { step: 'send-chunk'; k: number } | { step: 'finished' };

/** Where a send resumes: compute the checksum, settle an unknown first POST, or send the next unconfirmed chunk. */
export function nextUploadStep(
  record: Pick<UploadRecord, 'messageId' | 'firstPostIntent' | 'checksum' | 'chunksConfirmed' | 'chunkCount' | 'sentAt'> & {
    wantChecksum: boolean;
  },
): UploadStep {
  if (record.sentAt !== undefined) return { step: 'finished' };
  if (record.messageId === undefined) {
    if (record.firstPostIntent) return { step: 'resolve-first-post' };
    if (record.wantChecksum && record.checksum === undefined) return { step: 'prepare' };
    return { step: 'send-first' };
  }
  if (record.chunksConfirmed >= record.chunkCount) return { step: 'finished' };
  return { step: 'send-chunk', k: Math.max(2, record.chunksConfirmed + 1) };
}

/** The next step of a download, from its journal record. */
export type DownloadStep =
  | { step: 'fetch'; k: number; offset: number }
  | { step: 'verify' }
  | { step: 'place' }
  | { step: 'describe' }
  | { step: 'acknowledge' }
  | { step: 'finished' };

/**
 * Where a download resumes: the chunk after the last one flushed to disk (the
 * partial file is cut back to that offset), verification, placing the file
 * under its final name, writing its metadata sidecar, acknowledging (only
 * after a verified save, and only when the mailbox acknowledges
 * automatically), or nothing.
 */
export function nextDownloadStep(
  record: Pick<
    DownloadRecord,
    'facts' | 'chunksDone' | 'bytesDone' | 'verification' | 'placingAs' | 'savedPath' | 'sidecarPath' | 'acknowledgedAt' | 'acknowledge'
  >,
): DownloadStep {
  if (record.savedPath !== undefined) {
    if (record.sidecarPath === undefined) return { step: 'describe' };
    return record.acknowledge === 'after-save' && record.acknowledgedAt === undefined ? { step: 'acknowledge' } : { step: 'finished' };
  }
  if (record.placingAs !== undefined || record.verification !== undefined) return { step: 'place' };
  if (record.facts && record.chunksDone >= record.facts.chunkCount) return { step: 'verify' };
  return { step: 'fetch', k: record.chunksDone + 1, offset: record.chunksDone === 0 ? 0 : record.bytesDone };
}
