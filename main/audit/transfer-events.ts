/**
 * What the transfer engine did, as audit entries. The engine reports each
 * transfer once it has ended (sent or saved, failed for good, cancelled),
 * each acknowledgement made on someone's say-so, and each REPORT it recorded;
 * these pure functions turn those into the facts the trail keeps, and
 * `auditTransferEvents` hands them to a recorder. The window's services, the
 * command line and folder mode all plug the same events into their engine,
 * so a send is recorded the same way whoever made it.
 */
import { parseChecksum } from '../transfers/checksum';
import type { ReceivedMessageFacts, ReceivedReport, TransferEngineEvents, TransferRecord } from '../transfers/types';
import type { AuditMessage } from './entry';
import type { AuditEvent, AuditRecorder } from './recorder';

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined && item !== '')) as T;
}

function receivedMessage(messageId: string, facts: ReceivedMessageFacts | undefined): AuditMessage {
  return defined({
    messageId,
    localId: facts?.localId,
    from: facts?.from,
    to: facts?.to,
    workflowId: facts?.workflowId,
    subject: facts?.subject,
    fileName: facts?.fileName,
    checksum: facts?.checksum,
  });
}

function sha256Of(checksum: string | undefined): string | undefined {
  const parsed = parseChecksum(checksum);
  return parsed?.algorithm === 'sha256' ? parsed.hex : undefined;
}

/** The entries for a transfer that ended (a received file acknowledged on saving gives two). */
export function auditEventsOfTransfer(record: TransferRecord): AuditEvent[] {
  const profileId = record.profileId;
  const failure = record.error ? defined({ reason: record.error.message, code: record.error.code }) : {};
  if (record.kind === 'upload') {
    const message: AuditMessage = defined({
      messageId: record.messageId,
      localId: record.localId,
      to: record.to,
      workflowId: record.workflowId,
      subject: record.subject,
      fileName: record.fileName,
      size: record.fileSize,
      checksum: record.checksum,
      sha256: record.sentSha256,
    });
    if (record.state === 'done') {
      return [
        {
          action: 'message-sent',
          outcome: 'ok',
          profileId,
          message,
          ...(record.messageIdUnknown ? { reason: 'MESH has the file but did not say its message id.' } : {}),
        },
      ];
    }
    if (record.state === 'cancelled') {
      return [{ action: 'send-cancelled', outcome: 'cancelled', profileId, message, ...(record.note ? { reason: record.note } : {}) }];
    }
    if (record.state === 'failed') return [{ action: 'send-failed', outcome: 'failed', profileId, message, ...failure }];
    return [];
  }
  const received = receivedMessage(record.messageId, record.facts);
  if (record.state === 'done') {
    const verified = record.verification;
    const saved: AuditMessage = defined({
      ...received,
      size: verified?.bytes,
      savedTo: record.savedPath,
      // The hash of the saved bytes is known when the sender's SHA-256 was checked against them.
      sha256: verified?.checksum === 'verified' ? sha256Of(record.facts?.checksum) : undefined,
    });
    const events: AuditEvent[] = [{ action: 'message-received', outcome: 'ok', profileId, message: saved }];
    if (record.acknowledgedAt) events.push({ action: 'message-acknowledged', outcome: 'ok', profileId, message: received });
    return events;
  }
  if (record.state === 'cancelled') {
    return [
      { action: 'receive-cancelled', outcome: 'cancelled', profileId, message: received, ...(record.note ? { reason: record.note } : {}) },
    ];
  }
  if (record.state === 'failed') return [{ action: 'receive-failed', outcome: 'failed', profileId, message: received, ...failure }];
  return [];
}

/** The entry for a REPORT the engine recorded: MESH could not deliver a message. */
export function auditEventOfReport(profileId: string, report: ReceivedReport): AuditEvent {
  return {
    action: 'non-delivery-report',
    outcome: 'failed',
    profileId,
    message: defined({
      messageId: report.reportMessageId,
      linkedMessageId: report.linkedMessageId,
      localId: report.localId,
      to: report.to,
      workflowId: report.workflowId,
      subject: report.subject,
      fileName: report.fileName,
    }),
    ...(report.description || report.event
      ? { reason: [report.event, report.description].filter(Boolean).join(': ') }
      : { reason: 'MESH could not deliver the message.' }),
    ...(report.code ? { code: report.code } : {}),
  };
}

/** Engine events that record every transfer, acknowledgement and report through `recorder`. */
export function auditTransferEvents(
  recorder: AuditRecorder,
): Required<Pick<TransferEngineEvents, 'finished' | 'acknowledged' | 'reportReceived'>> {
  return {
    finished: (record) => {
      for (const event of auditEventsOfTransfer(record)) void recorder.record(event);
    },
    acknowledged: (profileId, messageId, facts) => {
      void recorder.record({ action: 'message-acknowledged', outcome: 'ok', profileId, message: receivedMessage(messageId, facts) });
    },
    reportReceived: (profileId, report) => {
      void recorder.record(auditEventOfReport(profileId, report));
    },
  };
}
