/**
 * The new-message form as data, and the checks made before anything is sent.
 * Limits match what MESH accepts (mex-To 100, mex-WorkflowID 300, mex-Subject
 * 500, mex-LocalID 300 characters; no control characters anywhere).
 */
import type { FileChoice, SendRequest } from '../../../main/contract';

export const MAX_RECIPIENTS = 50;
export const LIMITS = { recipient: 100, workflowId: 300, subject: 500, localId: 300 } as const;

export type FileState =
  | { status: 'none' }
  | { status: 'adding'; name: string }
  | { status: 'ready'; file: FileChoice }
  | { status: 'failed'; name: string; message: string };

export interface ComposeForm {
  profileId: string;
  /** One entry per recipient box on the page; empty strings are boxes not filled in yet. */
  recipients: string[];
  workflowId: string;
  subject: string;
  localId: string;
  file: FileState;
}

export interface FieldError {
  /** The id of the input the error belongs to, for the summary's link. */
  field: string;
  message: string;
}

/** The id of the n-th recipient's input (also used by the error summary's links). */
export const recipientFieldId = (index: number) => `compose-recipient-${index}`;
export const FIELD_IDS = {
  workflowId: 'compose-workflow',
  subject: 'compose-subject',
  localId: 'compose-local-id',
  file: 'compose-file',
} as const;

// eslint-disable-next-line no-control-regex -- control characters are exactly what MESH refuses
const CONTROL = /[\u0000-\u001f\u007f]/;
const URL_START = /^https?:\/\//i;

function recipientError(value: string, position: string): string | undefined {
  const id = value.trim();
  if (/\s/.test(id)) return `The mailbox ID${position} must not contain spaces`;
  if (URL_START.test(id)) return `Enter a mailbox ID${position}, not a web address`;
  if (CONTROL.test(id)) return `The mailbox ID${position} contains a character that cannot be sent`;
  if (id.length > LIMITS.recipient) return `The mailbox ID${position} must be ${LIMITS.recipient} characters or fewer`;
  return undefined;
}

/** Every problem with the form, in page order; empty when it can be sent. */
export function validateCompose(form: ComposeForm): FieldError[] {
  const errors: FieldError[] = [];
  const several = form.recipients.length > 1;
  const filled = form.recipients.map((r) => r.trim()).filter(Boolean);
  if (filled.length === 0) {
    errors.push({ field: recipientFieldId(0), message: 'Enter the mailbox ID of the person or organisation you are sending to' });
  }
  const seen = new Set<string>();
  form.recipients.forEach((raw, index) => {
    const value = raw.trim();
    const position = several ? ` for recipient ${index + 1}` : '';
    if (!value) {
      if (filled.length > 0)
        errors.push({ field: recipientFieldId(index), message: `Enter a mailbox ID for recipient ${index + 1}, or remove it` });
      return;
    }
    const problem = recipientError(value, position);
    if (problem) {
      errors.push({ field: recipientFieldId(index), message: problem });
      return;
    }
    const key = value.toUpperCase();
    if (seen.has(key))
      errors.push({ field: recipientFieldId(index), message: `You have added ${value} more than once. Remove recipient ${index + 1}` });
    seen.add(key);
  });
  if (filled.length > MAX_RECIPIENTS)
    errors.push({ field: recipientFieldId(MAX_RECIPIENTS), message: `You can send to at most ${MAX_RECIPIENTS} recipients at once` });

  const workflow = form.workflowId.trim();
  if (!workflow) errors.push({ field: FIELD_IDS.workflowId, message: 'Enter the workflow ID' });
  else if (/\s/.test(workflow)) errors.push({ field: FIELD_IDS.workflowId, message: 'The workflow ID must not contain spaces' });
  else if (URL_START.test(workflow) || CONTROL.test(workflow))
    errors.push({ field: FIELD_IDS.workflowId, message: 'Enter a workflow ID, like TOC_FHIR_IP_DISCH' });
  else if (workflow.length > LIMITS.workflowId)
    errors.push({ field: FIELD_IDS.workflowId, message: `The workflow ID must be ${LIMITS.workflowId} characters or fewer` });

  if (form.subject.length > LIMITS.subject)
    errors.push({ field: FIELD_IDS.subject, message: `The subject must be ${LIMITS.subject} characters or fewer` });
  else if (CONTROL.test(form.subject)) errors.push({ field: FIELD_IDS.subject, message: 'The subject must be on one line, without tabs' });

  if (form.localId.length > LIMITS.localId)
    errors.push({ field: FIELD_IDS.localId, message: `Your reference must be ${LIMITS.localId} characters or fewer` });
  else if (CONTROL.test(form.localId))
    errors.push({ field: FIELD_IDS.localId, message: 'Your reference must be on one line, without tabs' });

  if (form.file.status === 'none') errors.push({ field: FIELD_IDS.file, message: 'Choose the file to send' });
  else if (form.file.status === 'adding') errors.push({ field: FIELD_IDS.file, message: 'Wait until the file has been added, then send' });
  else if (form.file.status === 'failed') errors.push({ field: FIELD_IDS.file, message: form.file.message });
  return errors;
}

/** The request for main: one entry per filled-in recipient, blanks dropped, optional fields left out when empty. */
export function toSendRequest(form: ComposeForm): SendRequest {
  if (form.file.status !== 'ready') throw new Error('toSendRequest needs a file that is ready.');
  const request: SendRequest = {
    profileId: form.profileId,
    recipients: form.recipients.map((r) => r.trim()).filter(Boolean),
    workflowId: form.workflowId.trim(),
    fileRef: form.file.file.fileRef,
  };
  if (form.subject.trim()) request.subject = form.subject.trim();
  if (form.localId.trim()) request.localId = form.localId.trim();
  return request;
}

/** Puts a mailbox ID into the first empty recipient box, or adds a box for it; no change if it is already there. */
export function addRecipient(recipients: readonly string[], mailboxId: string): string[] {
  const id = mailboxId.trim();
  if (recipients.some((r) => r.trim().toUpperCase() === id.toUpperCase())) return [...recipients];
  const empty = recipients.findIndex((r) => !r.trim());
  if (empty === -1) return [...recipients, id];
  const next = [...recipients];
  next[empty] = id;
  return next;
}
