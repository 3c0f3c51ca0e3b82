import type { Ref } from 'react';
import type { AppInfo, InboxItem, MailboxSummary } from '../../../../main/contract';
import { ConfirmPanel, SummaryList, Tag, type SummaryRow } from '../../components/bits';
import { formatBytes, formatDateTime, formatExpiresIn } from '../../lib/format';
import { describeHeaders } from '../../lib/headers';
import { partyLabel } from '../../state/inbox-view';
import { useInboxStore } from '../../state/inbox-store';

interface InboxDetailProps {
  item: InboxItem;
  mailbox: MailboxSummary;
  info?: AppInfo;
  onOpenSent(messageId: string): void;
  headingRef?: Ref<HTMLHeadingElement>;
}

/** Everything about one message, in plain words, with what can be done with it. */
export function InboxDetail({ item, mailbox, info, onOpenSent, headingRef }: InboxDetailProps) {
  const { confirming, busy, download, showInFolder, askToAcknowledge, cancelAcknowledge, acknowledge } = useInboxStore();
  const confirmingThis = confirming?.from === 'detail' && confirming.ids.includes(item.messageId);
  const isReport = item.type === 'REPORT';
  const title = isReport ? 'Non-delivery report' : item.subject || item.fileName || 'Message with no subject';

  const rows: SummaryRow[] = [
    { key: 'from', label: 'From', value: partyLabel(item.from) },
    { key: 'subject', label: 'Subject', value: item.subject || 'None' },
    { key: 'workflow', label: 'Workflow', value: item.workflowId ?? 'Not given' },
    { key: 'file', label: 'File name', value: item.fileName ?? 'Not given' },
    { key: 'size', label: 'Size', value: formatBytes(item.size) },
    { key: 'received', label: 'Received', value: formatDateTime(item.receivedAt) },
    {
      key: 'expires',
      label: 'MESH removes it',
      value: item.expiresAt ? `${formatDateTime(item.expiresAt)} (${formatExpiresIn(item.expiresAt)})` : 'Not known',
    },
    { key: 'parts', label: 'Split in parts', value: item.chunks > 1 ? `Yes, ${item.chunks} parts (joined up for you when saved)` : 'No' },
    { key: 'type', label: 'Type', value: isReport ? 'Non-delivery report' : 'File' },
    { key: 'id', label: 'Message ID', value: <span className="app-code">{item.messageId}</span> },
    ...(item.localId ? [{ key: 'local', label: "Sender's reference", value: item.localId }] : []),
    {
      key: 'saved',
      label: 'Saved on this computer',
      value: item.savedPath ? <span className="app-code">{item.savedPath}</span> : 'Not yet',
    },
    { key: 'ack', label: 'Acknowledged', value: item.acknowledged ? 'Yes' : 'No' },
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
              <Tag colour="red">Not delivered</Tag> A message you sent did not reach its recipient
            </h3>
            <p>{item.report?.description || 'MESH could not deliver a message sent from this mailbox.'}</p>
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

      <div className="app-button-row">
        {!isReport && (
          <button
            type="button"
            className="nhsuk-button nhsuk-button--small"
            disabled={busy}
            onClick={() => void download([item.messageId])}
          >
            {item.savedPath ? 'Download again' : 'Download'}
          </button>
        )}
        {!isReport && info?.capabilities.chooseFolder && (
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            disabled={busy}
            onClick={() => void download([item.messageId], { chooseFolder: true })}
          >
            Save as…
          </button>
        )}
        {item.savedPath && info?.capabilities.showInFolder && (
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            onClick={() => void showInFolder(item.savedPath ?? '')}
          >
            Show in folder
          </button>
        )}
        {!item.acknowledged && (
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            disabled={busy}
            onClick={() => askToAcknowledge([item.messageId], 'detail')}
          >
            Acknowledge…
          </button>
        )}
      </div>

      {confirmingThis && (
        <ConfirmPanel
          id="acknowledge-one"
          title={isReport ? 'Acknowledge this report?' : 'Acknowledge this message?'}
          confirmLabel="Yes, acknowledge it"
          busy={busy}
          onConfirm={() => void acknowledge()}
          onCancel={cancelAcknowledge}
        >
          {isReport ? (
            <p>The report leaves your inbox. The message it is about stays marked “Not delivered” in Sent, where you can send it again.</p>
          ) : (
            <p>
              Acknowledging tells MESH you have dealt with this message. MESH then removes it from mailbox {mailbox.mailboxId}{' '}
              <strong>for everyone who uses that mailbox</strong>, and nobody can download it again.
            </p>
          )}
          {!item.savedPath && !isReport && (
            <p>
              <strong>This message has not been saved on this computer.</strong> Download it first if you need the file.
            </p>
          )}
        </ConfirmPanel>
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
