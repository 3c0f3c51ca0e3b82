import type { InboxItem } from '../../../../main/contract';
import type { Column } from '../../components/VirtualTable';
import { Tag } from '../../components/bits';
import { formatExpiresIn, formatWhen } from '../../lib/format';
import { fromLabel, sizeWords, subjectLabel, workflowLabel } from '../../state/inbox-view';

/**
 * The inbox list's columns, as Outlook and NHSmail users expect: who it is from, what it is,
 * when it arrived and how big it is show by default; the rest can be added from View.
 * A message MESH removes within a day, and a non-delivery report, say so beside the subject.
 */
export function inboxColumns(now: Date): Column<InboxItem>[] {
  return [
    {
      id: 'from',
      header: 'From',
      width: 150,
      flex: true,
      sortKey: 'from',
      text: (item) => fromLabel(item),
      render: (item) => fromLabel(item),
    },
    {
      id: 'subject',
      header: 'Subject',
      width: 170,
      flex: true,
      sortKey: 'subject',
      text: (item) =>
        [
          item.type === 'REPORT' ? 'Not delivered:' : '',
          item.expiringSoon ? `MESH removes it ${formatExpiresIn(item.expiresAt, now)}:` : '',
          subjectLabel(item),
        ]
          .filter(Boolean)
          .join(' '),
      render: (item) => (
        <>
          {item.type === 'REPORT' && (
            <Tag colour="red" className="app-table__marker">
              Not delivered
            </Tag>
          )}
          {item.expiringSoon && (
            <Tag colour="yellow" className="app-table__marker">
              <span className="nhsuk-u-visually-hidden">MESH removes it </span>
              {formatExpiresIn(item.expiresAt, now)}
            </Tag>
          )}
          {item.subject || item.type === 'REPORT' ? subjectLabel(item) : <span className="app-muted">{subjectLabel(item)}</span>}
        </>
      ),
    },
    {
      id: 'received',
      header: 'Received',
      width: 136,
      sortKey: 'receivedAt',
      render: (item) => formatWhen(item.receivedAt, now),
    },
    {
      id: 'size',
      header: 'Size',
      width: 84,
      sortKey: 'size',
      align: 'end',
      text: (item) => sizeWords(item).long,
      render: (item) => sizeWords(item).short,
    },
    {
      id: 'expires',
      header: 'Expires',
      width: 104,
      sortKey: 'expiresAt',
      defaultHidden: true,
      render: (item) =>
        item.expiringSoon ? (
          <span className="app-text-warning">
            {formatExpiresIn(item.expiresAt, now)} <span className="nhsuk-u-visually-hidden">(soon)</span>
          </span>
        ) : (
          formatExpiresIn(item.expiresAt, now)
        ),
    },
    {
      id: 'workflow',
      header: 'Workflow',
      width: 170,
      sortKey: 'workflow',
      defaultHidden: true,
      text: (item) => (item.workflowId ? `${workflowLabel(item.workflowId)} (${item.workflowId})` : undefined),
      render: (item) => (item.workflowId ? workflowLabel(item.workflowId) : '—'),
    },
    {
      id: 'file',
      header: 'File name',
      width: 170,
      sortKey: 'fileName',
      defaultHidden: true,
      text: (item) => item.fileName,
      render: (item) => item.fileName ?? '—',
    },
    {
      id: 'type',
      header: 'Type',
      width: 120,
      sortKey: 'type',
      defaultHidden: true,
      render: (item) => (item.type === 'REPORT' ? 'Not delivered' : 'File'),
    },
    {
      id: 'chunks',
      header: 'Parts',
      width: 84,
      sortKey: 'chunks',
      align: 'end',
      defaultHidden: true,
      text: (item) => (item.chunks > 1 ? `Sent in ${item.chunks} parts; joined up for you when saved` : 'Sent in one piece'),
      render: (item) => (item.chunks > 1 ? item.chunks : 1),
    },
  ];
}
