import type { InboxItem } from '../../../main/contract';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useActiveMailbox, useAppStore } from '../state/app-store';
import { FolderModeActivity } from './inbox/FolderModeActivity';
import { useInboxStore } from '../state/inbox-store';
import { useSentStore } from '../state/sent-store';
import { visibleInbox } from '../state/inbox-view';
import { NoMailbox } from '../components/NoMailbox';
import { VirtualTable } from '../components/VirtualTable';
import { LoadFailed, OutcomeMessage } from '../components/bits';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { SplitPane } from '../components/SplitPane';
import { ViewMenu } from '../components/ViewMenu';
import { inboxColumns } from './inbox/columns';
import { InboxFilters } from './inbox/InboxFilters';
import { InboxDetail } from './inbox/InboxDetail';
import { SaveStatusBox } from './inbox/SaveStatusBox';
import { countOf, formatWhen } from '../lib/format';
import { partyLabel } from '../state/inbox-view';
import { effectiveDensity, ROW_HEIGHTS, shownColumns, toggleColumn, useColumnPrefs, useLayoutStore } from '../state/list-layout';
import { useSettingsStore } from '../state/settings-store';

/** A message's key in the list; one function for the life of the page, so the list is not laid out afresh each render. */
const inboxItemId = (item: InboxItem) => item.messageId;

// The list is re-filtered against the clock (for "today" and "expires in") once a minute.
const CLOCK_TICK_MS = 60_000;

function useMinuteClock(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), CLOCK_TICK_MS);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

/** What to say beside "Check now": the outcome of the last press, or when the next automatic check is. */
export function checkWords(
  check: { error?: string; checkedAt?: string; nextAllowedAt?: string; newMessages?: number },
  nextCheck: string | undefined,
  now: Date,
): string {
  if (check.error) return check.error;
  const after = nextCheck ? ` You can check again after ${formatWhen(nextCheck, now)}.` : '';
  if (check.checkedAt) return `${check.newMessages ? `${countOf(check.newMessages, 'new message')}.` : 'No new messages.'}${after}`;
  // An answer with no check time means MESH's limit of one check every 5 minutes held the press back.
  if (check.nextAllowedAt) return `Checked a moment ago.${after}`;
  return nextCheck ? `Next check ${formatWhen(nextCheck, now)}` : '';
}

/** The inbox: list in the middle, the chosen message beside or below it (or opened in its place), like NHSmail. */
export function InboxView() {
  const mailbox = useActiveMailbox();
  const info = useAppStore((s) => s.info);
  const go = useAppStore((s) => s.go);
  const store = useInboxStore();
  const { load, items, filters, sort, selectedId, ticked, confirming, busy, outcome, saving, check, loading, loadError } = store;
  const now = useMinuteClock();
  const detailHeading = useRef<HTMLHeadingElement>(null);
  const profileId = mailbox?.id;
  const view = useLayoutStore((s) => s.view);
  const setView = useLayoutStore((s) => s.setView);
  const layout = useColumnPrefs('inbox', profileId);
  const acknowledgeMode = useSettingsStore((s) => s.snapshot?.mailboxes.find((m) => m.id === profileId)?.acknowledge);
  // With the reading pane off, Enter or a double-click opens the message in the list's place.
  const [opened, setOpened] = useState(false);

  useEffect(() => {
    if (profileId) void load(profileId);
  }, [profileId, load]);

  const shown = useMemo(() => visibleInbox(items, filters, sort, now), [items, filters, sort, now]);
  const allColumns = useMemo(() => inboxColumns(now), [now]);
  const columns = shownColumns(allColumns, layout);
  const selected = items.find((item) => item.messageId === selectedId);
  const expiringSoon = items.filter((item) => item.expiringSoon && !item.savedPath).length;
  const tickedIds = [...ticked];
  const density = effectiveDensity(view, window.innerHeight);

  if (!mailbox) {
    return (
      <>
        <h1>Inbox</h1>
        <NoMailbox purpose="to see the files sent to you" />
      </>
    );
  }

  const openSent = (messageId: string) => {
    useSentStore.getState().showMessage(messageId, mailbox.id);
    go('outbox');
  };
  const nextCheck = check.nextAllowedAt ?? mailbox.status.nextCheckAt;

  // A folder-mode mailbox is received into its IN folder: show what folder mode did instead.
  if (mailbox.folderMode) return <FolderModeActivity mailbox={mailbox} />;

  const confirmingItems = confirming ? items.filter((item) => confirming.ids.includes(item.messageId)) : [];
  const confirmingReport = confirmingItems.length === 1 && confirmingItems[0]?.type === 'REPORT';
  const unsaved = confirmingItems.filter((item) => !item.savedPath && item.type === 'DATA').length;

  return (
    <div className="app-view app-view--split">
      <div className="app-view__head">
        <div className="app-title-row">
          <h1 className="nhsuk-u-margin-bottom-0">Inbox</h1>
          <p
            className="nhsuk-body-s nhsuk-u-margin-bottom-0 app-muted app-title-row__sub"
            title={`${mailbox.displayName} (${mailbox.mailboxId})`}
          >
            {mailbox.displayName} ({mailbox.mailboxId})
          </p>
          <span className="app-title-row__spacer" />
          <div className="app-check">
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-0" role="status" aria-live="polite">
              {checkWords(check, nextCheck, now)}
            </p>
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
              disabled={check.busy}
              onClick={() => void store.checkNow()}
            >
              {check.busy ? 'Checking…' : 'Check now'}
            </button>
            <ViewMenu
              columns={allColumns.map((column) => ({ id: column.id, header: column.header, shown: columns.includes(column) }))}
              onToggleColumn={(id, visible) =>
                useLayoutStore.getState().setColumns('inbox', mailbox.id, { shown: toggleColumn(allColumns, layout, id, visible) })
              }
            />
          </div>
        </div>
        {mailbox.certificate?.warning && (
          <div className="app-callout-inline app-callout-inline--warning" role="note">
            <strong>Certificate:</strong> {mailbox.certificate.warning}
          </div>
        )}
        {expiringSoon > 0 && (
          <div className="app-callout-inline app-callout-inline--warning" role="note">
            <strong>{countOf(expiringSoon, 'message')} will be removed by MESH within a day</strong> unless downloaded: marked with the time
            left beside {expiringSoon === 1 ? 'its' : 'their'} subject.
          </div>
        )}
        <InboxFilters items={items} filters={filters} onChange={store.setFilters} onClear={store.clearFilters} shown={shown.length} />
        {saving && <SaveStatusBox saving={saving} mailbox={mailbox} acknowledgeMode={acknowledgeMode} onDismiss={store.dismissSaving} />}
        {outcome && <OutcomeMessage outcome={outcome} onDismiss={store.dismissOutcome} />}
        {ticked.size > 0 && (
          <div className="app-bulk" role="region" aria-label="Ticked messages">
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">
              <strong>{countOf(ticked.size, 'message')} ticked</strong>
            </p>
            <button
              type="button"
              className="nhsuk-button nhsuk-button--small nhsuk-u-margin-bottom-0"
              disabled={busy}
              onClick={() => void store.download(tickedIds)}
            >
              {acknowledgeMode === 'manual' ? 'Download ticked' : 'Download ticked and remove from MESH'}
            </button>
            {info?.capabilities.chooseFolder && (
              <button
                type="button"
                className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
                disabled={busy}
                onClick={() => void store.download(tickedIds, { chooseFolder: true })}
              >
                Save ticked as…
              </button>
            )}
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
              disabled={busy}
              onClick={() => store.askToAcknowledge(tickedIds, 'ticked')}
            >
              Acknowledge ticked…
            </button>
            <button type="button" className="app-link-button nhsuk-body-s" onClick={() => store.setTicked([])}>
              Untick all
            </button>
          </div>
        )}
      </div>
      <p className="nhsuk-u-visually-hidden" id="inbox-keys-hint">
        Use the arrow keys to move through messages, Space to tick one, and Enter to read it.
      </p>
      <SplitPane
        mode={view.readingPane}
        size={view.readingPane === 'bottom' ? view.paneHeight : view.paneWidth}
        onResize={(size) => setView(view.readingPane === 'bottom' ? { paneHeight: size } : { paneWidth: size })}
        hasDetail={selected !== undefined}
        detailOpen={opened}
        detailLabel="Selected message"
        list={
          <section className="app-split__list" aria-label="Message list">
            {loadError && <LoadFailed title="The inbox could not be loaded" message={loadError} onRetry={() => void load(mailbox.id)} />}
            <VirtualTable
              label={`Messages in ${mailbox.displayName}`}
              idPrefix="inbox"
              items={shown}
              getId={inboxItemId}
              columns={columns}
              describedBy="inbox-keys-hint"
              rowHeight={ROW_HEIGHTS[density]}
              widths={layout?.widths}
              onResize={(id, width) => useLayoutStore.getState().setColumnWidth('inbox', mailbox.id, id, width)}
              activeId={selectedId}
              onActivate={(id) => {
                store.select(id);
                setOpened(false);
              }}
              onOpen={(id) => {
                store.select(id);
                setOpened(true);
                // Let the detail pane render before moving focus into it.
                window.requestAnimationFrame(() => detailHeading.current?.focus());
              }}
              sort={sort}
              onSort={store.sortBy}
              ticks={{
                ticked,
                onToggle: store.toggleTicked,
                onToggleAll: () =>
                  store.setTicked(shown.every((item) => ticked.has(item.messageId)) ? [] : shown.map((item) => item.messageId)),
                labelFor: (item) => `Tick the message from ${partyLabel(item.from)}${item.subject ? `: ${item.subject}` : ''}`,
              }}
              rowClassName={(item) => (item.type === 'REPORT' || item.savedPath || item.acknowledged ? undefined : 'app-table__row--new')}
              empty={
                loading
                  ? 'Loading messages…'
                  : items.length === 0
                    ? 'No messages are waiting. New ones appear here when MESH delivers them.'
                    : 'No messages match your search and filters.'
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
              <InboxDetail
                item={selected}
                mailbox={mailbox}
                info={info}
                acknowledgeMode={acknowledgeMode}
                onOpenSent={openSent}
                headingRef={detailHeading}
              />
            </>
          ) : (
            <p className="app-muted app-detail__empty">Choose a message to read it here.</p>
          )
        }
      />
      {confirming && (
        <ConfirmDialog
          id="acknowledge"
          title={
            confirmingReport
              ? 'Acknowledge this report?'
              : confirming.ids.length === 1
                ? 'Acknowledge this message?'
                : `Acknowledge ${countOf(confirming.ids.length, 'message')}?`
          }
          confirmLabel={
            confirmingReport ? 'Yes, acknowledge it' : confirming.ids.length === 1 ? 'Yes, acknowledge it' : 'Yes, acknowledge them'
          }
          busy={busy}
          onConfirm={() => void store.acknowledge()}
          onCancel={store.cancelAcknowledge}
        >
          {confirmingReport ? (
            <p>The report leaves your inbox. The message it is about stays marked “Not delivered” in Sent, where you can send it again.</p>
          ) : (
            <p>
              MESH removes {confirming.ids.length === 1 ? 'it' : 'them'} from mailbox {mailbox.mailboxId}{' '}
              <strong>for everyone who uses that mailbox</strong>, and nobody can download {confirming.ids.length === 1 ? 'it' : 'them'}{' '}
              again.
            </p>
          )}
          {unsaved > 0 && (
            <p>
              <strong>
                {confirming.ids.length === 1
                  ? 'This message has not been saved on this computer.'
                  : `${countOf(unsaved, 'of them has', 'of them have')} not been saved on this computer.`}
              </strong>{' '}
              Download {unsaved === 1 ? 'it' : 'them'} first if you need the {unsaved === 1 ? 'file' : 'files'}.
            </p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
