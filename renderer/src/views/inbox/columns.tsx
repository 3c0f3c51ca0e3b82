import type { InboxItem } from '../../../../main/contract';
import type { Column } from '../../components/VirtualTable';
import { Tag } from '../../components/bits';
import { formatBytes, formatExpiresIn, formatWhen } from '../../lib/format';
import { partyLabel } from '../../state/inbox-view';

/** The inbox list's columns, in the order the brief and MESH UI users expect. */
export function inboxColumns(now: Date): Column<InboxItem>[] {
  return [
    {
      id: 'from',
      header: 'From',
      width: '14rem',
      sortKey: 'from',
      render: (item) => <span title={partyLabel(item.from)}>{partyLabel(item.from)}</span>,
    },
    {
      id: 'subject',
      header: 'Subject',
      width: '14rem',
      sortKey: 'subject',
      render: (item) => item.subject || <span className="app-muted">No subject</span>,
    },
    {
      id: 'type',
      header: 'Type',
      width: '9rem',
      sortKey: 'type',
      render: (item) => (item.type === 'REPORT' ? <Tag colour="red">Not delivered</Tag> : 'File'),
    },
    { id: 'received', header: 'Received', width: '9.5rem', sortKey: 'receivedAt', render: (item) => formatWhen(item.receivedAt, now) },
    {
      id: 'expires',
      header: 'Expires',
      width: '8rem',
      sortKey: 'expiresAt',
      render: (item) =>
        item.expiringSoon ? (
          <span className="app-text-warning">
            {formatExpiresIn(item.expiresAt, now)} <span className="nhsuk-u-visually-hidden">(soon)</span>
          </span>
        ) : (
          formatExpiresIn(item.expiresAt, now)
        ),
    },
    { id: 'workflow', header: 'Workflow', width: '11rem', sortKey: 'workflow', render: (item) => item.workflowId ?? '—' },
    { id: 'file', header: 'File name', width: '12rem', sortKey: 'fileName', render: (item) => item.fileName ?? '—' },
    { id: 'size', header: 'Size', width: '6rem', sortKey: 'size', align: 'end', render: (item) => formatBytes(item.size) },
    {
      id: 'chunks',
      header: 'Split in parts',
      width: '8rem',
      sortKey: 'chunks',
      render: (item) => (item.chunks > 1 ? `Yes, ${item.chunks} parts` : 'No'),
    },
  ];
}
