import type { Ref } from 'react';
import type { AppInfo, InboxItem, MailboxSummary } from '../../../../main/contract';
import { useEffect } from 'react';
import { SummaryList, Tag, type SummaryRow } from '../../components/bits';
import { formatDateTime, formatExpiresIn } from '../../lib/format';
import { describeHeaders } from '../../lib/headers';
import { workflowName } from '../../lib/workflows';
import { partyLabel, sizeWords } from '../../state/inbox-view';
import { useInboxStore } from '../../state/inbox-store';
import { useSentStore } from '../../state/sent-store';
import { useTransfersStore } from '../../state/transfers-store';

interface InboxDetailProps {
  item: InboxItem;
  mailbox: MailboxSummary;
  info?: AppInfo;
  /** The mailbox's setting: acknowledge after saving (the default) or only when the person says. */
  acknowledgeMode?: 'after-save' | 'manual';
  onOpenSent(messageId: string): void;
  headingRef?: Ref<HTMLHeadingElement>;
}

/** Where a message was saved: the inbox's record, else the download transfer that saved it. */
function useSavedPath(item: InboxItem): string | undefined {
  return useTransfersStore(
    (s) =>
      item.savedPath ??
      s.transfers.find((t) => t.direction === 'download' && t.messageId === item.messageId && t.state === 'done' && t.savedPath)?.savedPath,
  );
}

/** Everything about one message, in plain words, with what can be done with it. */
export function InboxDetail({ item, mailbox, info, acknowledgeMode, onOpenSent, headingRef }: InboxDetailProps) {
  const { busy, download, showInFolder, openFile, askToAcknowledge } = useInboxStore();
  const savedPath = useSavedPath(item);
  const isReport = item.type === 'REPORT';
  const title = isReport ? 'Non-delivery report' : item.subject || item.fileName || 'Message with no subject';
  const acknowledgesOnSave = acknowledgeMode !== 'manual';
  const linkedId = item.report?.linkedMessageId;
  const sent = useSentStore((s) => (linkedId && s.profileId === mailbox.id ? s.items.find((m) => m.messageId === linkedId) : undefined));
  const sentProfile = useSentStore((s) => s.profileId);

  useEffect(() => {
    // A report says which sent message failed: have Sent's list at hand to name it.
    if (isReport && linkedId && sentProfile !== mailbox.id) void useSentStore.getState().load(mailbox.id);
  }, [isReport, linkedId, sentProfile, mailbox.id]);

  const rows: SummaryRow[] = [
    { key: 'from', label: 'From', value: partyLabel(item.from) },
    { key: 'subject', label: 'Subject', value: item.subject || 'None' },
    {
      key: 'workflow',
      label: 'Workflow',
      value: item.workflowId ? (
        <>
          {workflowName(item.workflowId)}
          <span className="app-header-name">{item.workflowId}</span>
        </>
      ) : (
        'Not given'
      ),
    },
    { key: 'file', label: 'File name', value: item.fileName ? <span className="app-break">{item.fileName}</span> : 'Not given' },
    { key: 'size', label: 'Size', value: sizeWords(item).long },
    { key: 'received', label: 'Received', value: formatDateTime(item.receivedAt) },
    {
      key: 'expires',
      label: 'MESH removes it',
      value: item.expiresAt ? `${formatDateTime(item.expiresAt)} (${formatExpiresIn(item.expiresAt)})` : 'Not known',
    },
    { key: 'parts', label: 'Sent as', value: item.chunks > 1 ? `${item.chunks} parts, joined up for you when saved` : 'One piece' },
    { key: 'type', label: 'Type', value: isReport ? 'Non-delivery report' : 'File' },
    { key: 'id', label: 'Message ID', value: <span className="app-code">{item.messageId}</span> },
    ...(item.localId ? [{ key: 'local', label: "Sender's reference", value: item.localId }] : []),
    {
      key: 'saved',
      label: 'Saved on this computer',
      value: savedPath ? <span className="app-code">{savedPath}</span> : 'Not yet',
    },
    { key: 'ack', label: 'Acknowledged', value: item.acknowledged ? 'Yes: MESH has removed it from the mailbox' : 'No' },
  ];
  const headers = describeHeaders(item.headers);

  return (
    <>
      <h2 className="nhsuk-heading-m app-detail__title" id="inbox-detail-heading" tabIndex={-1} ref={headingRef}>
        {title}
      </h2>
      {isReport && (
        <div className="nhsuk-card nhsuk-card--warning">
          <div className="nhsuk-card__content">
            <h3 className="nhsuk-card__heading nhsuk-heading-s">
              <Tag colour="red">Not delivered</Tag>{' '}
              {sent
                ? `Your message “${sent.subject || sent.fileName}” to ${partyLabel(sent.to)} did not arrive`
                : item.subject
                  ? `Your message “${item.subject}” did not arrive`
                  : 'A message you sent did not reach its recipient'}
            </h3>
            <p>{item.report?.description || 'MESH could not deliver a message sent from this mailbox.'}</p>
            <p>
              <strong>What to do:</strong> check the recipient’s mailbox ID and the workflow with them (or your IT team), then send it again
              from Sent.
            </p>
            {(item.report?.event || item.report?.code) && (
              <p className="nhsuk-body-s">MESH code: {[item.report?.event, item.report?.code].filter(Boolean).join(' ')}</p>
            )}
            {item.report?.linkedMessageId ? (
              <p className="nhsuk-u-margin-bottom-0">
                <a
                  href={`#sent-${item.report.linkedMessageId}`}
                  onClick={(event) => {
                    event.preventDefault();
                    onOpenSent(item.report?.linkedMessageId ?? '');
                  }}
                >
                  Open the message that was not delivered, in Sent
                </a>
              </p>
            ) : (
              <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">MESH did not say which message this is about.</p>
            )}
          </div>
        </div>
      )}

      {/* What this message is now, not news: the save's one live status is the box above the list. */}
      {item.acknowledged && savedPath && (
        <div className="app-outcome">
          <p className="app-outcome__title">Saved and collected</p>
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">
            Saved as <span className="app-code">{savedPath}</span>. MESH has removed it from mailbox {mailbox.mailboxId} for everyone.
          </p>
        </div>
      )}
      <div className="app-button-row">
        {!isReport && !item.acknowledged && (
          <button
            type="button"
            className="nhsuk-button nhsuk-button--small"
            disabled={busy}
            aria-describedby={acknowledgesOnSave ? 'inbox-download-note' : undefined}
            onClick={() => void download([item.messageId])}
          >
            {savedPath ? 'Download again' : 'Download'}
          </button>
        )}
        {!isReport && !item.acknowledged && info?.capabilities.chooseFolder && (
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            disabled={busy}
            onClick={() => void download([item.messageId], { chooseFolder: true })}
          >
            Save as…
          </button>
        )}
        {savedPath && info?.capabilities.showInFolder && (
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            onClick={() => void showInFolder(savedPath)}
          >
            Show in folder
          </button>
        )}
        {savedPath && info?.capabilities.openFile && (
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            onClick={() => void openFile(savedPath)}
          >
            Open
          </button>
        )}
        {!item.acknowledged && (
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            disabled={busy}
            onClick={() => askToAcknowledge([item.messageId], 'detail')}
          >
            {isReport || savedPath || !acknowledgesOnSave ? 'Acknowledge…' : 'Acknowledge without saving…'}
          </button>
        )}
      </div>
      {!isReport && !item.acknowledged && (
        <p className="nhsuk-body-s app-muted app-detail__note" id="inbox-download-note">
          {acknowledgesOnSave
            ? `Download saves the file, then acknowledges it: MESH removes it from mailbox ${mailbox.mailboxId} for everyone who uses it.`
            : 'Download only saves the file. It stays in MESH until you acknowledge it.'}
        </p>
      )}

      <SummaryList rows={rows} label="About this message" className="nhsuk-summary-list--no-border app-detail__list" />

      <h3 className="nhsuk-heading-s">Everything MESH says about this message</h3>
      {headers.length === 0 ? (
        <p className="nhsuk-body-s">MESH sent no further details.</p>
      ) : (
        <SummaryList
          className="nhsuk-summary-list--no-border app-detail__list app-detail__headers"
          label="Message headers"
          rows={headers.map((header) => ({
            key: header.name,
            label: (
              <>
                {header.label}
                <span className="app-header-name">{header.name}</span>
              </>
            ),
            value: <span className="app-break">{header.value}</span>,
          }))}
        />
      )}
    </>
  );
}
