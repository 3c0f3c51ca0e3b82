import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type ReactNode, type Ref } from 'react';
import type { ActivityEntry, ActivitySummary } from '../../../main/contract';
import { useAppStore } from '../state/app-store';
import { useActivityStore } from '../state/activity-store';
import {
  counterpartWords,
  describeFields,
  ACTIVITY_PAGE_SIZE,
  DIRECTION_CHOICES,
  entryAt,
  entryTopic,
  isFiltered,
  OUTCOME_COLOURS,
  OUTCOME_WORDS,
  type ActivityFields,
} from '../state/activity-view';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { LoadFailed, OutcomeMessage, SummaryList, Tag } from '../components/bits';
import { FilterSearch, SelectField } from '../components/fields';
import { SplitPane } from '../components/SplitPane';
import { ViewMenu } from '../components/ViewMenu';
import { countOf, formatBytes, formatDateTime } from '../lib/format';
import { workflowName } from '../lib/workflows';
import { effectiveDensity, ROW_HEIGHTS, shownColumns, toggleColumn, useColumnPrefs, useLayoutStore } from '../state/list-layout';

/** Column choices are kept for the computer, not per mailbox: the record covers every mailbox. */
const LAYOUT_KEY = 'all';

/** The columns over an entry; the list's rows are places in the list, filled in as their page arrives. */
const ENTRY_COLUMNS: Column<ActivityEntry>[] = [
  // The narrowest each column goes: together they fit beside the reading pane at 1280×800.
  {
    id: 'when',
    header: 'When',
    width: 150,
    sortKey: 'when',
    text: (entry) => formatDateTime(entry.atUtc),
    render: (entry) => formatDateTime(entry.atUtc),
  },
  { id: 'action', header: 'Action', width: 130, flex: true, text: (entry) => entry.action, render: (entry) => entry.action },
  {
    id: 'about',
    header: 'About',
    width: 130,
    flex: true,
    text: (entry) => [entryTopic(entry), counterpartWords(entry)].filter(Boolean).join(' — '),
    // An entry about no message (a mailbox added) names the mailbox instead.
    render: (entry) => entryTopic(entry) || <span className="app-muted">{counterpartWords(entry) || entry.mailbox?.id || '—'}</span>,
  },
  {
    id: 'outcome',
    header: 'Outcome',
    width: 104,
    text: (entry) => entry.outcomeText,
    // The tag is one word; the reason is in the hover text and the detail pane.
    render: (entry) => <Tag colour={OUTCOME_COLOURS[entry.outcome]}>{OUTCOME_WORDS[entry.outcome]}</Tag>,
  },
  {
    id: 'mailbox',
    header: 'Mailbox',
    width: 110,
    defaultHidden: true,
    text: (entry) => entry.mailbox?.id,
    render: (entry) => entry.mailbox?.id ?? '—',
  },
  {
    id: 'party',
    header: 'To or from',
    width: 130,
    defaultHidden: true,
    text: (entry) => counterpartWords(entry),
    render: (entry) => counterpartWords(entry) || '—',
  },
  {
    id: 'workflow',
    header: 'Workflow',
    width: 150,
    defaultHidden: true,
    text: (entry) => (entry.workflowId ? `${workflowName(entry.workflowId)} (${entry.workflowId})` : undefined),
    render: (entry) => (entry.workflowId ? workflowName(entry.workflowId) : '—'),
  },
  { id: 'size', header: 'Size', width: 76, align: 'end', defaultHidden: true, render: (entry) => formatBytes(entry.size) },
  {
    id: 'who',
    header: 'Who',
    width: 140,
    defaultHidden: true,
    text: (entry) => `${entry.who.account}, ${entry.who.via}`,
    render: (entry) => `${entry.who.account} (${entry.who.via})`,
  },
];

/** A row whose page has not arrived yet: a placeholder in the first column, nothing else. */
const PENDING = <span className="app-muted">Loading…</span>;

function rowColumns(entryOf: (row: number) => ActivityEntry | undefined): Column<number>[] {
  return ENTRY_COLUMNS.map((column, index) => ({
    ...column,
    render: (row: number): ReactNode => {
      const entry = entryOf(row);
      return entry ? column.render(entry) : index === 0 ? PENDING : null;
    },
    text: (row: number) => {
      const entry = entryOf(row);
      return entry ? column.text?.(entry) : undefined;
    },
  }));
}

function ActivityDetail({ entry, headingRef }: { entry: ActivityEntry; headingRef: Ref<HTMLHeadingElement> }) {
  const rows = [
    { key: 'when', label: 'When', value: `${formatDateTime(entry.atUtc)} (${entry.atLocal} on this computer; ${entry.atUtc} UTC)` },
    { key: 'outcome', label: 'Outcome', value: entry.outcomeText },
    { key: 'who', label: 'Who', value: `${entry.who.account}, through the ${entry.who.via}` },
    ...(entry.mailbox ? [{ key: 'mailbox', label: 'Mailbox', value: `${entry.mailbox.id} (${entry.mailbox.environment})` }] : []),
    ...(entry.counterpart ? [{ key: 'party', label: entry.direction === 'received' ? 'From' : 'To', value: entry.counterpart }] : []),
    ...(entry.workflowId
      ? [
          {
            key: 'workflow',
            label: 'Workflow',
            value: (
              <>
                {workflowName(entry.workflowId)}
                <span className="app-header-name">{entry.workflowId}</span>
              </>
            ),
          },
        ]
      : []),
    ...(entry.subject ? [{ key: 'subject', label: 'Subject', value: entry.subject }] : []),
    ...(entry.fileName
      ? [
          {
            key: 'file',
            label: 'File',
            value: entry.size === undefined ? entry.fileName : `${entry.fileName} (${formatBytes(entry.size)})`,
          },
        ]
      : []),
    ...(entry.savedTo ? [{ key: 'saved', label: 'Saved to', value: <span className="app-code">{entry.savedTo}</span> }] : []),
    ...(entry.messageId ? [{ key: 'id', label: 'Message ID', value: <span className="app-code">{entry.messageId}</span> }] : []),
    ...(entry.sha256 ? [{ key: 'sha', label: 'SHA-256', value: <span className="app-code app-break">{entry.sha256}</span> }] : []),
    { key: 'seq', label: 'Entry number', value: String(entry.sequence) },
  ];
  return (
    <>
      <h2 className="nhsuk-heading-m app-detail__title" id="activity-detail-heading" tabIndex={-1} ref={headingRef}>
        {entry.action}
      </h2>
      <SummaryList className="nhsuk-summary-list--no-border app-detail__list" label="About this entry" rows={rows} />
    </>
  );
}

/** The page an IG lead prints or saves as PDF: hidden on screen, the only thing on paper. Counts come from main, over every match. */
function PrintSummary({ summary, fields, verified }: { summary?: ActivitySummary; fields: ActivityFields; verified?: string }) {
  const mailboxes = useAppStore((s) => s.mailboxes);
  const name = (id: string) => {
    const mailbox = mailboxes.find((m) => m.mailboxId === id);
    return mailbox ? `${mailbox.displayName} (${id})` : id;
  };
  const table = (caption: string, rows: readonly { label: string; count: number }[]) => (
    <table className="app-print-summary__table">
      <caption>{caption}</caption>
      <tbody>
        {rows.map((row) => (
          <tr key={row.label}>
            <th scope="row">{row.label}</th>
            <td>{row.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <section className="app-print-summary" aria-label="Printable summary">
      <h1>MESH activity summary</h1>
      <p>{describeFields(fields, name)}.</p>
      {summary && (
        <>
          <p>
            {countOf(summary.entries, 'entry', 'entries')}
            {summary.first && summary.last ? `, from ${formatDateTime(summary.first)} to ${formatDateTime(summary.last)}` : ''}.
          </p>
          {verified && <p>{verified}</p>}
          {table('By mailbox', summary.byMailbox)}
          {table('By direction', summary.byDirection)}
          {table('By outcome', summary.byOutcome)}
        </>
      )}
      <p className="app-print-summary__footer">Printed from MESH Desktop on {formatDateTime(new Date().toISOString())}.</p>
    </section>
  );
}

const rowNumbersSoFar: number[] = [];

/** 0, 1, … count − 1: the list's rows, each standing for the entry at that place (filled in as pages arrive). */
function rowNumbers(count: number): number[] {
  // Copied from one list kept for the largest count yet: building 100,000 numbers afresh each time the count changes
  // takes milliseconds inside the frame that shows the new count; copying them takes almost none.
  for (let row = rowNumbersSoFar.length; row < count; row += 1) rowNumbersSoFar.push(row);
  return rowNumbersSoFar.slice(0, count);
}

/** Activity: the audit trail of everything this computer did through MESH, for the person who must account for it. */
export function ActivityView() {
  const store = useActivityStore();
  const { fields, fieldProblem, matched, total, summary, verified, loading, loadError, sort, selected, exporting, outcome } = store;
  // The list follows the store in the background: laying out 100,000 rows when the first answer comes is React work
  // it may spread over frames, while the count and the filters answer at once.
  const listed = useDeferredValue(useMemo(() => ({ pages: store.pages, rowCount: matched }), [store.pages, matched]));
  const { pages, rowCount } = listed;
  const mailboxes = useAppStore((s) => s.mailboxes);
  const detailHeading = useRef<HTMLHeadingElement>(null);
  const view = useLayoutStore((s) => s.view);
  const setView = useLayoutStore((s) => s.setView);
  const layout = useColumnPrefs('activity', LAYOUT_KEY);
  const allColumns = useMemo(() => rowColumns((row) => entryAt(pages, row)), [pages]);
  const columns = shownColumns(allColumns, layout);
  const [opened, setOpened] = useState(false);
  const rows = useMemo(() => rowNumbers(rowCount), [rowCount]);
  const rowId = useCallback(
    (row: number) => {
      const entry = entryAt(pages, row);
      return entry ? String(entry.sequence) : `pending-${row}`;
    },
    [pages],
  );
  // Only a row already on screen can be chosen, so its entry is in a page that has arrived.
  const rowWithId = useCallback(
    (id: string) => {
      for (const [page, entries] of Object.entries(pages)) {
        const at = entries.findIndex((candidate) => String(candidate.sequence) === id);
        if (at >= 0) return Number(page) * ACTIVITY_PAGE_SIZE + at;
      }
      return -1;
    },
    [pages],
  );
  const entryWithId = (id: string) => {
    const row = rowWithId(id);
    return row < 0 ? undefined : entryAt(pages, row);
  };
  const showRows = useActivityStore((s) => s.showRows);
  const mailboxIds = useMemo(() => [...new Set(mailboxes.map((m) => m.mailboxId))].sort(), [mailboxes]);

  useEffect(() => {
    void useActivityStore.getState().load();
  }, []);

  const count = store.filtered ? `${matched} of ${countOf(total, 'entry', 'entries')}` : countOf(total, 'entry', 'entries');

  return (
    <div className="app-view app-view--split app-view--activity">
      <div className="app-view__head">
        <div className="app-title-row">
          <h1 className="nhsuk-u-margin-bottom-1">Activity</h1>
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-0 app-muted">Everything this computer sent and received through MESH</p>
          <span className="app-title-row__spacer" />
          <div className="app-check">
            {(
              [
                ['Export CSV', () => void store.exportAs('csv'), exporting],
                ['Export JSON', () => void store.exportAs('json'), exporting],
                ['Print summary', () => window.print(), false],
              ] as const
            ).map(([label, onClick, disabled]) => (
              <button
                key={label}
                type="button"
                className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
                disabled={disabled}
                onClick={onClick}
              >
                {label}
              </button>
            ))}
            <ViewMenu
              columns={allColumns.map((column) => ({ id: column.id, header: column.header, shown: columns.includes(column) }))}
              onToggleColumn={(id, visible) =>
                useLayoutStore.getState().setColumns('activity', LAYOUT_KEY, { shown: toggleColumn(allColumns, layout, id, visible) })
              }
            />
          </div>
        </div>
        {verified && (
          <p className={`nhsuk-body-s app-activity-verified${verified.ok ? '' : ' app-text-problem'}`} role="status">
            <Tag colour={verified.ok ? 'green' : 'red'}>{verified.ok ? 'Record checked' : 'Record altered'}</Tag> {verified.sentence}
          </p>
        )}
        {outcome && <OutcomeMessage outcome={outcome} onDismiss={store.dismiss} />}
        <div className="app-filters" role="search" aria-label="Filter the activity record">
          <div className="app-filters__row">
            <FilterSearch
              id="activity-search"
              hint="Looks through the subject, file name, mailboxes, message ID and reason"
              value={fields.text}
              onChange={(text) => store.setFields({ text: text })}
            />
            <label className="app-filters__label" htmlFor="activity-from">
              From
            </label>
            <input
              id="activity-from"
              className="nhsuk-input app-filters__date"
              type="date"
              value={fields.from}
              max={fields.to || undefined}
              onChange={(event) => store.setFields({ from: event.target.value })}
            />
            <label className="app-filters__label" htmlFor="activity-to">
              To
            </label>
            <input
              id="activity-to"
              className="nhsuk-input app-filters__date"
              type="date"
              value={fields.to}
              min={fields.from || undefined}
              onChange={(event) => store.setFields({ to: event.target.value })}
            />
            <SelectField
              id="activity-filter-mailbox"
              label="Mailbox"
              value={fields.mailboxId}
              onChange={(mailboxId) => store.setFields({ mailboxId })}
              options={[{ value: '', label: 'Any mailbox' }, ...mailboxIds.map((id) => ({ value: id, label: id }))]}
              className="app-filters__inline"
            />
            <SelectField
              id="activity-filter-direction"
              label="Direction"
              value={fields.direction}
              onChange={(direction) => store.setFields({ direction: direction as ActivityFields['direction'] })}
              options={DIRECTION_CHOICES}
              className="app-filters__inline"
            />
            <label className="app-filters__label" htmlFor="activity-workflow">
              Workflow
            </label>
            <input
              id="activity-workflow"
              className="nhsuk-input app-filters__workflow"
              type="text"
              spellCheck={false}
              value={fields.workflowId}
              onChange={(event) => store.setFields({ workflowId: event.target.value })}
            />
            {isFiltered(fields) && (
              <button type="button" className="app-link-button nhsuk-body-s" onClick={store.clearFields}>
                Clear filters
              </button>
            )}
            <p className="nhsuk-body-s app-filters__count" aria-live="polite">
              {count}
            </p>
          </div>
          {fieldProblem && (
            <p className="nhsuk-error-message nhsuk-u-margin-bottom-0" role="alert">
              <span className="nhsuk-u-visually-hidden">Error:</span> {fieldProblem}
            </p>
          )}
        </div>
      </div>
      <SplitPane
        mode={view.readingPane}
        size={view.readingPane === 'bottom' ? view.paneHeight : view.paneWidth}
        onResize={(size) => setView(view.readingPane === 'bottom' ? { paneHeight: size } : { paneWidth: size })}
        hasDetail={selected !== undefined}
        detailOpen={opened}
        detailLabel="Selected activity entry"
        list={
          <section className="app-split__list" aria-label="Activity list">
            {loadError && (
              <LoadFailed title="The activity record could not be read" message={loadError} onRetry={() => void store.load()} />
            )}
            <VirtualTable
              label="Activity on this computer"
              idPrefix="activity"
              items={rows}
              getId={rowId}
              onVisibleRange={showRows}
              indexOf={rowWithId}
              keyedByPosition
              columns={columns}
              rowHeight={ROW_HEIGHTS[effectiveDensity(view, window.innerHeight)]}
              widths={layout?.widths}
              onResize={(id, width) => useLayoutStore.getState().setColumnWidth('activity', LAYOUT_KEY, id, width)}
              activeId={selected === undefined ? undefined : String(selected.sequence)}
              onActivate={(id) => {
                const entry = entryWithId(id);
                if (!entry) return;
                store.select(entry);
                setOpened(false);
              }}
              onOpen={(id) => {
                const entry = entryWithId(id);
                if (!entry) return;
                store.select(entry);
                setOpened(true);
                window.requestAnimationFrame(() => detailHeading.current?.focus());
              }}
              sort={sort}
              onSort={store.sortBy}
              empty={
                loading && matched === 0
                  ? 'Reading the activity record…'
                  : total === 0
                    ? 'Nothing has been sent or received through MESH on this computer yet.'
                    : 'No activity matches your filters.'
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
              <ActivityDetail entry={selected} headingRef={detailHeading} />
            </>
          ) : (
            <p className="app-muted app-detail__empty">Choose an entry to see everything recorded about it.</p>
          )
        }
      />
      <PrintSummary summary={summary} fields={fields} verified={verified?.sentence} />
    </div>
  );
}
