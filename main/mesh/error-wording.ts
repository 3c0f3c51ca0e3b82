import type { FailureReason, MeshOperation } from './error-catalogue';
import { headerLabel } from './headers';

/**
 * The sentences shown to people for each failure reason of the catalogue:
 * what happened and what to do next, in plain English. Nothing here decides
 * what a failure was; error-classification.ts does.
 */

/** What a sentence may name beside its reason. */
export interface SentenceFacts {
  operation: MeshOperation;
  /** Local clock minus server clock, for clock-skew. */
  skewMs?: number;
  /** Header names a validation error pointed at, lower case. */
  fields?: readonly string[];
  /** The proxy's answer to CONNECT. */
  proxyStatus?: number;
  /** Sentence naming the CA files this environment needs. */
  caInstructions?: string;
}

const NOT_FOUND_SENTENCES: Partial<Record<MeshOperation, string>> = {
  download: 'This message is not in your MESH inbox. It may have been downloaded and acknowledged already.',
  head: 'This message is not in your MESH inbox. It may have been downloaded and acknowledged already.',
  acknowledge: 'This message is not in your MESH inbox, so it could not be marked as received.',
  'send-chunk': 'MESH has no record of the message this part belongs to. Send the file again.',
  track: 'MESH has no record of that message in your outbox.',
  handshake: 'The MESH address in Settings does not look right: the server did not recognise it as a MESH mailbox service.',
};

function clockSkewSentence(skewMs: number): string {
  const hours = Math.round(Math.abs(skewMs) / 3_600_000);
  return `This computer's clock is about ${hours} hour${hours === 1 ? '' : 's'} ${skewMs > 0 ? 'ahead of' : 'behind'} MESH, so MESH refused the login. Correct the date, time and time zone in Windows settings, then try again.`;
}

function headerFieldsSentence(fields: readonly string[]): string {
  const labels = [...new Set(fields.filter((field) => field.startsWith('mex-')).map(headerLabel))].join(', ');
  return `MESH did not accept the ${labels}: it may be too long or contain characters MESH does not allow. Change it and send again.`;
}

const CLIENT_CERTIFICATE_REJECTED =
  'Check that it is the certificate NHS England issued for this environment (Integration and Live certificates differ).';

const SENTENCES: Record<FailureReason, string | ((facts: SentenceFacts) => string)> = {
  'recipient-not-registered':
    'MESH does not recognise the recipient mailbox. Check the mailbox ID, or look it up by ODS code and workflow.',
  'workflow-not-allowed-for-sender':
    'Your mailbox is not allowed to send messages with this workflow ID. Check the workflow ID, or ask your MESH administrator to register it.',
  'workflow-not-registered':
    "This workflow ID is not registered for your mailbox or the recipient's. Check the workflow ID with the recipient.",
  'no-file-content': 'MESH did not receive any file content. The file may be empty; check it and send again.',
  'sender-mismatch': 'MESH says the sending mailbox does not match your login. Check the mailbox ID in Settings.',
  'recipient-missing': 'The recipient mailbox ID is missing. Enter it and send again.',
  'not-collected': 'MESH could not deliver this message: the recipient did not collect it in time.',
  'chunk-refused':
    'MESH did not accept a part of this file (its chunk number was wrong). Send the file again; if it keeps happening, tell your IT service desk.',
  'header-fields-refused': (facts) => headerFieldsSentence(facts.fields ?? []),
  'checksum-refused': 'MESH did not accept the checksum: it may only contain letters, numbers, spaces and the characters : - /.',
  'header-details-refused':
    'MESH did not accept the details sent with this file (subject, reference or file name). Shorten them, remove unusual characters and send again.',
  'clock-skew': (facts) => clockSkewSentence(facts.skewMs ?? 0),
  'mailbox-unknown': 'MESH does not know this mailbox ID. Check the mailbox ID in Settings.',
  'not-your-message': 'This message was not sent to your mailbox, so MESH will not let you open it.',
  'message-access-refused':
    'MESH refused access to this message. It may not be addressed to your mailbox, or the mailbox ID or password may be wrong.',
  'login-refused':
    "MESH did not accept the mailbox ID or password. Check them in Settings; if they are right, the environment's shared key may be wrong.",
  'not-found': (facts) => NOT_FOUND_SENTENCES[facts.operation] ?? 'MESH could not find what was asked for.',
  'message-gone': 'This message is no longer available in MESH: it has expired, failed, or the sender has not finished sending it.',
  'message-finalised': 'MESH has already received every part of this message, so no more parts can be added.',
  'server-busy': 'MESH is busy at the moment. MESH Desktop will try again shortly.',
  'gateway-timeout': 'MESH or a network gateway on the way did not respond in time. MESH Desktop will try again shortly.',
  'server-error': 'MESH had a problem on its side. Try again later.',
  'file-refused': 'MESH did not accept this file. Check the recipient and workflow ID and send again.',
  'unexpected-answer': 'MESH gave an answer MESH Desktop did not expect. Try again; if it keeps happening, tell your IT service desk.',
  cancelled: 'The transfer was cancelled.',
  'proxy-login-refused':
    'The proxy server needs a user name and password, or did not accept the ones in Settings. Check the proxy settings with your IT service desk.',
  'proxy-refused-tunnel': (facts) =>
    `The proxy server refused to connect to MESH (it answered ${facts.proxyStatus}). Ask your IT service desk to allow MESH through the proxy.`,
  'proxy-unreachable': 'MESH Desktop could not reach the proxy server. Check the proxy settings, or ask your IT service desk.',
  'proxy-refused-connection': 'The proxy server refused the connection. Check the proxy settings, or ask your IT service desk.',
  'proxy-network-unreachable': 'MESH Desktop could not reach the proxy server. Check your network connection.',
  'proxy-name-lookup': 'MESH Desktop could not find the proxy server by name. Check the proxy address in Settings.',
  'client-certificate-missing':
    "MESH asked for your mailbox's certificate and none was sent. Add the certificate NHS England issued for this mailbox in Settings.",
  'client-certificate-expired-alert':
    "MESH refused your mailbox's certificate because it has expired. Ask your IT service desk to request a new one from NHS England.",
  'client-certificate-rejected': `MESH did not accept your mailbox's certificate. ${CLIENT_CERTIFICATE_REJECTED}`,
  'closed-wanting-certificate':
    "MESH closed the connection as soon as it was set up, which usually means it needs your mailbox's certificate. Add the certificate NHS England issued for this mailbox in Settings.",
  'closed-refusing-certificate': `MESH closed the connection as soon as it was set up, which usually means it did not accept your mailbox's certificate. ${CLIENT_CERTIFICATE_REJECTED}`,
  'client-certificate-expired':
    "Your mailbox's certificate has expired, so MESH refused the connection. Ask your IT service desk to request a new one from NHS England.",
  'client-certificate-not-yet-valid':
    "Your mailbox's certificate is not valid yet, or this computer's date is wrong. Check the date and time in Windows settings.",
  'server-certificate-untrusted': (facts) =>
    `MESH Desktop does not trust the server's certificate, so it did not connect. ${facts.caInstructions ?? 'Add the certificate authority files for this environment in Settings.'}`,
  'server-name-mismatch':
    "The server's certificate is not for this address, so MESH Desktop did not connect. Check the MESH address in Settings; a proxy that inspects traffic can also cause this.",
  'server-certificate-dates':
    "The server's certificate is out of date, or this computer's date is wrong. Check the date and time in Windows settings, then try again.",
  'connection-refused': 'MESH refused the connection. Check the MESH address in Settings, or try again later.',
  'network-unreachable': 'MESH Desktop could not reach MESH. Check your network connection and try again.',
  'name-lookup': 'MESH Desktop could not find the MESH server by name. Check your network connection and the MESH address in Settings.',
  timeout: 'MESH took too long to answer. MESH Desktop will try again; check your network if it keeps happening.',
  interrupted: 'The connection to MESH was interrupted. Check your network connection and try again.',
  'damaged-download': 'The file arrived damaged from MESH. Download it again.',
  'tls-failed':
    'The secure connection to MESH failed. Check the certificate settings for this environment; if they are right, tell your IT service desk.',
  'connection-failed': 'The connection to MESH failed. Check your network connection and try again.',
  'send-outcome-unknown':
    'The connection to MESH was lost after the file was sent, so MESH Desktop cannot tell whether MESH received it. Check whether it arrived before sending it again.',
};

/** The sentence a person reads for one failure reason. */
export function failureSentence(reason: FailureReason, facts: SentenceFacts): string {
  const sentence = SENTENCES[reason];
  return typeof sentence === 'string' ? sentence : sentence(facts);
}
