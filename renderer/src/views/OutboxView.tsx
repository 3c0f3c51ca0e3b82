import { useEffect, useMemo, useRef, useState, type Ref } from 'react';
import type { SentItem, TransferView } from '../../../main/contract';
import { useActiveMailbox, useAppStore } from '../state/app-store';
import { useSentStore } from '../state/sent-store';
import { useTransfersStore } from '../state/transfers-store';
import { useComposeStore } from '../state/compose-store';
import { SENT_STATUS_FILTERS, sentStatusWords, transfersById, visibleSent, type SentStatusFilter } from '../state/sent-view';
import { partyLabel } from '../state/inbox-view';
import { NoMailbox } from '../components/NoMailbox';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { LoadFailed, OutcomeMessage, SummaryList, Tag } from '../components/bits';
import { FilterSearch, SelectField } from '../components/fields';
import { SplitPane } from '../components/SplitPane';
import { ViewMenu } from '../components/ViewMenu';
import { countOf, formatBytes, formatDateTime, formatWhen } from '../lib/format';
import { workflowName } from '../lib/workflows';
import { effectiveDensity, ROW_HEIGHTS, shownColumns, toggleColumn, useColumnPrefs, useLayoutStore } from '../state/list-layout';

/** A sent message's key in the list; one function for the life of the page, so the list is not laid out afresh each render. */
const sentItemId = (item: SentItem) => item.id;

function sentColumns(transfers: ReadonlyMap<string, TransferView>, now: Date): Column<SentItem>[] {
  const transferOf = (item: SentItem) => (item.transferId ? transfers.get(item.transferId) : undefined);
  return [
    {
      id: 'to',
      header: 'To',
      // The narrowest each column goes: together they fit beside the reading pane at 1280×800.
      width: 120,
      flex: true,
      sortKey: 'to',
      text: (item) => partyLabel(item.to),
      render: (item) => partyLabel(item.to),
    },
    {
      id: 'subject',
      header: 'Subject',
      width: 130,
      flex: true,
      sortKey: 'subject',
      text: (item) => item.subject || item.fileName,
      render: (item) => item.subject || <span className="app-muted">{item.fileName}</span>,
    },
    {
      id: 'status',
      header: 'Status',
      width: 140,
      sortKey: 'status',
      text: (item) => sentStatusWords(item, transferOf(item)).label,
      render: (item) => {
        const words = sentStatusWords(item, transferOf(item));
        return <Tag colour={words.colour}>{words.label}</Tag>;
      },
    },
    { id: 'sent', header: 'Sent', width: 120, sortKey: 'sentAt', render: (item) => formatWhen(item.sentAt, now) },
    {
      id: 'workflow',
      header: 'Workflow',
      width: 170,
      sortKey: 'workflow',
      defaultHidden: true,
      text: (item) => `${workflowName(item.workflowId)} (${item.workflowId})`,
      render: (item) => workflowName(item.workflowId),
    },
    {
      id: 'file',
      header: 'File name',
      width: 170,
      sortKey: 'fileName',
      defaultHidden: true,
      text: (item) => item.fileName,
      render: (item) => item.fileName,
    },
    { id: 'size', header: 'Size', width: 76, sortKey: 'size', align: 'end', render: (item) => formatBytes(item.size) },
  ];
}

function SentDetail({ item, transfer, headingRef }: { item: SentItem; transfer?: TransferView; headingRef: Ref<HTMLHeadingElement> }) {
  const refresh = useSentStore((s) => s.refresh);
  const refreshing = useSentStore((s) => s.refreshing);
  const go = useAppStore((s) => s.go);
  const startCompose = useComposeStore((s) => s.start);
  const [copied, setCopied] = useState<string>();
  const words = sentStatusWords(item, transfer);
  useEffect(() => setCopied(undefined), [item.id]);

  const copyId = async () => {
    if (!item.messageId) return;
    try {
      await navigator.clipboard.writeText(item.messageId);
      setCopied('Message ID copied.');
    } catch {
      setCopied('The message ID could not be copied. Select it and copy it yourself.');
    }
  };

  return (
    <>
      <h2 className="nhsuk-heading-m app-detail__title" id="sent-detail-heading" tabIndex={-1} ref={headingRef}>
        {item.subject || item.fileName}
      </h2>
      <p>
        <Tag colour={words.colour}>{words.label}</Tag>
      </p>
      <p className={words.colour === 'red' ? 'app-text-problem' : undefined}>{words.explanation}</p>
      {item.status === 'undeliverable' && item.statusCode && <p className="nhsuk-body-s">MESH code: {item.statusCode}</p>}
      <div className="app-button-row">
        <button
          type="button"
          className="nhsuk-button nhsuk-button--small"
          onClick={() => {
            startCompose(useAppStore.getState().activeMailboxId ?? '', {
              recipients: [item.to.mailboxId],
              workflowId: item.workflowId,
              subject: item.subject,
            });
            go('new-message');
          }}
        >
          Send again
        </button>
        <button
          type="button"
          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
          disabled={refreshing || !item.messageId}
          onClick={() => void refresh(item.messageId)}
        >
          {refreshing ? 'Asking MESH…' : 'Refresh status'}
        </button>
        {item.messageId && (
          <button type="button" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" onClick={() => void copyId()}>
            Copy message ID
          </button>
        )}
      </div>
      <p className="nhsuk-body-s" role="status" aria-live="polite">
        {copied}
      </p>
      <SummaryList
        className="nhsuk-summary-list--no-border app-detail__list"
        label="About this sent message"
        rows={[
          { key: 'to', label: 'To', value: partyLabel(item.to) },
          {
            key: 'workflow',
            label: 'Workflow',
            value: (
              <>
                {workflowName(item.workflowId)}
                <span className="app-header-name">{item.workflowId}</span>
              </>
            ),
          },
          { key: 'subject', label: 'Subject', value: item.subject || 'None' },
          { key: 'file', label: 'File', value: `${item.fileName} (${formatBytes(item.size)})` },
          { key: 'sent', label: 'Sent', value: formatDateTime(item.sentAt) },
          {
            key: 'id',
            label: 'Message ID',
            value: item.messageId ? (
              <span className="app-code">{item.messageId}</span>
            ) : (
              'Not given yet (MESH gives it once the first part arrives)'
            ),
          },
          ...(item.localId ? [{ key: 'local', label: 'Your reference', value: item.localId }] : []),
          ...(item.checksum ? [{ key: 'checksum', label: 'Checksum', value: <span className="app-code">{item.checksum}</span> }] : []),
          { key: 'checked', label: 'Status last checked', value: formatDateTime(item.statusCheckedAt) },
        ]}
      />
    </>
  );
}

/** Sent: every message sent from this computer, with its live delivery status. */
export function OutboxView() {
  const mailbox = useActiveMailbox();
  const go = useAppStore((s) => s.go);
  const store = useSentStore();
  const { load, items, filters, sort, selectedId, justSent, notFoundMessageId, outcome, loading, loadError, refreshing } = store;
  const transfers = useTransfersStore((s) => s.transfers);
  const detailHeading = useRef<HTMLHeadingElement>(null);
  const now = useMemo(() => new Date(), []);
  const profileId = mailbox?.id;

  useEffect(() => {
    if (profileId) void load(profileId);
  }, [profileId, load]);

  const byId = useMemo(() => transfersById(transfers), [transfers]);
  const allColumns = useMemo(() => sentColumns(byId, now), [byId, now]);
  const view = useLayoutStore((s) => s.view);
  const setView = useLayoutStore((s) => s.setView);
  const layout = useColumnPrefs('sent', profileId);
  const columns = shownColumns(allColumns, layout);
  const [opened, setOpened] = useState(false);
  const shown = useMemo(() => visibleSent(items, filters, sort), [items, filters, sort]);
  const workflows = useMemo(() => [...new Set(items.map((item) => item.workflowId))].sort(), [items]);
  const selected = items.find((item) => item.id === selectedId);

  if (!mailbox) {
    return (
      <>
        <h1>Sent</h1>
        <NoMailbox purpose="to send files" />
      </>
    );
  }

  return (
    <div className="app-view app-view--split">
      <div className="app-view__head">
        <div className="app-title-row">
          <h1 className="nhsuk-u-margin-bottom-1">Sent</h1>
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-0 app-muted">
            {mailbox.displayName} ({mailbox.mailboxId})
          </p>
          <span className="app-title-row__spacer" />
          <div className="app-check">
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
              disabled={refreshing}
              onClick={() => void store.refresh()}
            >
              {refreshing ? 'Asking MESH…' : 'Refresh status'}
            </button>
            <ViewMenu
              columns={allColumns.map((column) => ({ id: column.id, header: column.header, shown: columns.includes(column) }))}
              onToggleColumn={(id, visible) =>
                useLayoutStore.getState().setColumns('sent', mailbox.id, { shown: toggleColumn(allColumns, layout, id, visible) })
              }
            />
          </div>
        </div>
        {justSent && justSent.length > 0 && (
          <div className="nhsuk-panel app-panel" role="status">
            <h2 className="nhsuk-panel__heading nhsuk-heading-m">
              {justSent.length === 1 ? 'Your message is being sent' : `${justSent.length} messages are being sent`}
            </h2>
            <div className="nhsuk-panel__body">
              <p>
                {justSent.length === 1
                  ? `To ${partyLabel(justSent[0]!.to)}.`
                  : `One to each of: ${justSent.map((item) => item.to.mailboxId).join(', ')}.`}{' '}
                Their status below changes as MESH delivers them.
              </p>
              <div className="app-button-row">
                <button
                  type="button"
                  className="nhsuk-button nhsuk-button--reverse nhsuk-button--small nhsuk-u-margin-bottom-0"
                  onClick={() => go('transfers')}
                >
                  Follow progress in Transfers
                </button>
                <button type="button" className="app-link-button app-link-button--reverse" onClick={store.dismiss}>
                  Dismiss
                </button>
              </div>
            </div>
          </div>
        )}
        {notFoundMessageId && (
          <div className="app-outcome app-outcome--error" role="alert">
            <p className="app-outcome__title">That message is not in Sent</p>
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
              Message <span className="app-code">{notFoundMessageId}</span> was not sent from this computer, or was sent before MESH Desktop
              was installed.
            </p>
            <button type="button" className="app-link-button nhsuk-body-s" onClick={store.dismiss}>
              Dismiss
            </button>
          </div>
        )}
        {outcome && <OutcomeMessage outcome={outcome} onDismiss={store.dismiss} />}
        <div className="app-filters" role="search" aria-label="Search and filter sent messages">
          <div className="app-filters__row">
            <FilterSearch
              id="sent-search"
              hint="Looks through the recipient, subject, file name and message ID"
              value={filters.search}
              onChange={(text) => store.setFilters({ search: text })}
            />
            <SelectField
              id="sent-filter-status"
              label="Status"
              value={filters.status}
              onChange={(status) => store.setFilters({ status: status as SentStatusFilter })}
              options={SENT_STATUS_FILTERS.map(({ value, label }) => ({ value, label }))}
              className="app-filters__inline"
            />
            <SelectField
              id="sent-filter-workflow"
              label="Workflow"
              value={filters.workflow}
              onChange={(workflow) => store.setFilters({ workflow })}
              options={[{ value: '', label: 'Any workflow' }, ...workflows.map((w) => ({ value: w, label: workflowName(w) }))]}
              className="app-filters__inline"
            />
            <p className="nhsuk-body-s app-filters__count" aria-live="polite">
              {shown.length === items.length ? countOf(items.length, 'message') : `${shown.length} of ${countOf(items.length, 'message')}`}
            </p>
          </div>
        </div>
      </div>
      <SplitPane
        mode={view.readingPane}
        size={view.readingPane === 'bottom' ? view.paneHeight : view.paneWidth}
        onResize={(size) => setView(view.readingPane === 'bottom' ? { paneHeight: size } : { paneWidth: size })}
        hasDetail={selected !== undefined}
        detailOpen={opened}
        detailLabel="Selected sent message"
        list={
          <section className="app-split__list" aria-label="Sent message list">
            {loadError && (
              <LoadFailed title="Sent messages could not be loaded" message={loadError} onRetry={() => void load(mailbox.id)} />
            )}
            <VirtualTable
              label={`Messages sent from ${mailbox.displayName}`}
              idPrefix="sent"
              items={shown}
              getId={sentItemId}
              columns={columns}
              rowHeight={ROW_HEIGHTS[effectiveDensity(view, window.innerHeight)]}
              widths={layout?.widths}
              onResize={(id, width) => useLayoutStore.getState().setColumnWidth('sent', mailbox.id, id, width)}
              activeId={selectedId}
              onActivate={(id) => {
                store.select(id);
                setOpened(false);
              }}
              onOpen={(id) => {
                store.select(id);
                setOpened(true);
                window.requestAnimationFrame(() => detailHeading.current?.focus());
              }}
              sort={sort}
              onSort={store.sortBy}
              empty={
                loading
                  ? 'Loading sent messages…'
                  : items.length === 0
                    ? 'Nothing has been sent from this mailbox on this computer yet.'
                    : 'No sent messages match your search and filters.'
              }
            />
          </section>
        }
        detail={
          selected ? (
            <>
              {view.readingPane === 'off' && (
                <button type="button" className="app-link-button nhsuk-body-s app-back" onClick={() => setOpened(false)}>
                  Back to the list
                </button>
              )}
              <SentDetail
                item={selected}
                transfer={selected.transferId ? byId.get(selected.transferId) : undefined}
                headingRef={detailHeading}
              />
            </>
          ) : (
            <p className="app-muted app-detail__empty">Choose a message to see its delivery status.</p>
          )
        }
      />
    </div>
  );
}
