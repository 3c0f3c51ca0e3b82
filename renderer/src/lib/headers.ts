/**
 * Plain words for the mex-* headers MESH puts on every message, so the detail
 * pane shows "Sender's mailbox ID" rather than "mex-from".
 */

const LABELS: Readonly<Record<string, string>> = {
  'mex-from': "Sender's mailbox ID",
  'mex-to': "Recipient's mailbox ID",
  'mex-workflowid': 'Workflow ID',
  'mex-subject': 'Subject',
  'mex-localid': "Sender's reference",
  'mex-filename': 'File name',
  'mex-messageid': 'Message ID',
  'mex-messagetype': 'Message type',
  'mex-chunk-range': 'Part',
  'mex-total-chunks': 'Number of parts',
  'mex-content-compressed': 'Compressed by the sender',
  'mex-content-encrypted': 'Encrypted by the sender',
  'mex-content-checksum': 'Checksum',
  'mex-content-type': 'Type of content',
  'mex-partnerid': 'Partner ID',
  'mex-addresstype': 'Address type',
  'mex-version': 'MESH version',
  'mex-statuscode': 'Status code',
  'mex-statusevent': 'Status stage',
  'mex-statusdescription': 'Status',
  'mex-statussuccess': 'Outcome',
  'mex-statustimestamp': 'Status time',
  'mex-linkedmsgid': 'Message this report is about',
  'mex-processid': 'Process ID',
  'mex-fromsmtp': "Sender's email address",
  'mex-tosmtp': "Recipient's email address",
};

/** The plain-words label for a header name; an unknown one is tidied ("mex-foo-bar" → "Foo bar"). */
export function headerLabel(name: string): string {
  const key = name.trim().toLowerCase().replace(/_/g, '-');
  const known = LABELS[key];
  if (known) return known;
  const words = key.replace(/^mex-/, '').replace(/-/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : name;
}

const FLAG_WORDS: Readonly<Record<string, string>> = { y: 'Yes', yes: 'Yes', n: 'No', no: 'No', true: 'Yes', false: 'No' };

/** A header value in plain words where MESH uses codes (Y/N flags, yyyyMMddHHmmss times, DATA/REPORT). */
export function headerValue(name: string, value: string): string {
  const key = name.trim().toLowerCase().replace(/_/g, '-');
  const trimmed = value.trim();
  if (key === 'mex-content-compressed' || key === 'mex-content-encrypted') return FLAG_WORDS[trimmed.toLowerCase()] ?? trimmed;
  if (key === 'mex-messagetype')
    return trimmed.toUpperCase() === 'REPORT' ? 'Non-delivery report' : trimmed.toUpperCase() === 'DATA' ? 'Data' : trimmed;
  if (key === 'mex-statussuccess')
    return trimmed.toUpperCase() === 'SUCCESS' ? 'Success' : trimmed.toUpperCase() === 'ERROR' ? 'Failed' : trimmed;
  if (key === 'mex-statustimestamp') {
    const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(trimmed);
    if (match) return `${match[3]}/${match[2]}/${match[1]} ${match[4]}:${match[5]}:${match[6]}`;
  }
  if (key === 'mex-chunk-range') {
    const match = /^(\d+):(\d+)$/.exec(trimmed);
    if (match && Number(match[2]) > 0) return `${match[1]} of ${match[2]}`;
  }
  return trimmed;
}

export interface HeaderRow {
  name: string;
  label: string;
  value: string;
}

// The order people read a message in: who, what, then the technical rest.
const ORDER = ['mex-from', 'mex-to', 'mex-subject', 'mex-filename', 'mex-workflowid', 'mex-localid', 'mex-messageid', 'mex-messagetype'];

/** Every header as a labelled row, the familiar ones first, the rest alphabetically. */
export function describeHeaders(headers: Record<string, string>): HeaderRow[] {
  const rank = (name: string) => {
    const index = ORDER.indexOf(name.toLowerCase());
    return index === -1 ? ORDER.length : index;
  };
  return Object.entries(headers)
    .map(([name, value]) => ({ name, label: headerLabel(name), value: headerValue(name, value) }))
    .sort((a, b) => rank(a.name) - rank(b.name) || a.label.localeCompare(b.label, 'en-GB'));
}
