import { useMemo, useState } from 'react';
import type { InboxItem } from '../../../../main/contract';
import { FilterSearch, SelectField } from '../../components/fields';
import { LinkButton } from '../../components/bits';
import { workflowName } from '../../lib/workflows';
import { filterChoices, inboxCounts, isFiltered, type InboxFilters as Filters, type ReceivedRange } from '../../state/inbox-view';
import { countOf } from '../../lib/format';

/** "3 messages: 2 waiting, 1 non-delivery report", in the sidebar count's terms ("2 messages waiting"). */
export function inboxCountWords(items: readonly InboxItem[], shown: number, filtered: boolean): string {
  const counts = inboxCounts(items);
  const all = filtered ? `${shown} of ${countOf(counts.total, 'message')}` : countOf(counts.total, 'message');
  if (counts.total === 0) return all;
  const parts = [`${counts.toSave} waiting`, ...(counts.reports > 0 ? [countOf(counts.reports, 'non-delivery report')] : [])];
  return `${all}: ${parts.join(', ')}`;
}

const TYPES: { value: Filters['type']; label: string }[] = [
  { value: 'any', label: 'All messages' },
  { value: 'DATA', label: 'Files only' },
  { value: 'REPORT', label: 'Non-delivery reports only' },
];

const RANGES: { value: ReceivedRange; label: string }[] = [
  { value: 'any', label: 'Any time' },
  { value: 'today', label: 'Today' },
  { value: 'since-yesterday', label: 'Today and yesterday' },
  { value: 'last-7-days', label: 'Last 7 days' },
];

interface Chip {
  key: keyof Filters;
  words: string;
  clear: Partial<Filters>;
}

/** The filters in force, as chips a person can remove one by one. */
export function activeFilterChips(filters: Filters, items: readonly InboxItem[]): Chip[] {
  const chips: Chip[] = [];
  if (filters.search.trim()) chips.push({ key: 'search', words: `Search: “${filters.search.trim()}”`, clear: { search: '' } });
  if (filters.workflow) chips.push({ key: 'workflow', words: `Workflow: ${workflowName(filters.workflow)}`, clear: { workflow: '' } });
  if (filters.sender) {
    const sender = filterChoices(items).senders.find((choice) => choice.value === filters.sender);
    chips.push({ key: 'sender', words: `From: ${sender?.label ?? filters.sender}`, clear: { sender: '' } });
  }
  if (filters.received !== 'any')
    chips.push({
      key: 'received',
      words: `Received: ${RANGES.find((r) => r.value === filters.received)?.label ?? ''}`,
      clear: { received: 'any' },
    });
  if (filters.type !== 'any')
    chips.push({ key: 'type', words: TYPES.find((t) => t.value === filters.type)?.label ?? '', clear: { type: 'any' } });
  return chips;
}

/** One search box always in view; the other filters behind "Filters", and what is in force shown as removable chips. */
export function InboxFilters({
  items,
  filters,
  onChange,
  onClear,
  shown,
}: {
  items: readonly InboxItem[];
  filters: Filters;
  onChange(patch: Partial<Filters>): void;
  onClear(): void;
  shown: number;
}) {
  const [open, setOpen] = useState(false);
  const choices = useMemo(() => filterChoices(items), [items]);
  const chips = activeFilterChips(filters, items);
  const narrowing = chips.filter((chip) => chip.key !== 'search').length;
  const filtered = isFiltered(filters);
  return (
    <div className="app-filters" role="search" aria-label="Search and filter the inbox">
      <div className="app-filters__row">
        <FilterSearch
          id="inbox-search"
          hint="Looks through the sender, subject, file name and message ID"
          value={filters.search}
          onChange={(text) => onChange({ search: text })}
        />
        <button
          type="button"
          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
          aria-expanded={open}
          aria-controls="inbox-filter-fields"
          onClick={() => setOpen(!open)}
        >
          Filters{narrowing > 0 ? ` (${narrowing})` : ''}
        </button>
        <p className="nhsuk-body-s app-filters__count" aria-live="polite">
          {inboxCountWords(items, shown, filtered)}
        </p>
      </div>
      {open && (
        <div className="app-filters__fields" id="inbox-filter-fields">
          <SelectField
            id="inbox-filter-workflow"
            label="Workflow"
            value={filters.workflow}
            onChange={(workflow) => onChange({ workflow })}
            options={[{ value: '', label: 'Any workflow' }, ...choices.workflows.map((w) => ({ value: w, label: workflowName(w) }))]}
          />
          <SelectField
            id="inbox-filter-sender"
            label="From"
            value={filters.sender}
            onChange={(sender) => onChange({ sender })}
            options={[{ value: '', label: 'Anyone' }, ...choices.senders]}
          />
          <SelectField
            id="inbox-filter-received"
            label="Received"
            value={filters.received}
            onChange={(received) => onChange({ received: received as ReceivedRange })}
            options={RANGES}
          />
          <SelectField
            id="inbox-filter-type"
            label="Type"
            value={filters.type}
            onChange={(type) => onChange({ type: type as Filters['type'] })}
            options={TYPES}
          />
        </div>
      )}
      {chips.length > 0 && (
        <ul className="app-filter-chips" aria-label="Filters in force">
          {chips.map((chip) => (
            <li key={chip.key}>
              <button type="button" className="app-filter-chip" onClick={() => onChange(chip.clear)}>
                {chip.words} <span aria-hidden="true">×</span>
                <span className="nhsuk-u-visually-hidden"> (remove this filter)</span>
              </button>
            </li>
          ))}
          <li>
            <LinkButton onClick={onClear} className="nhsuk-body-s">
              Clear filters
            </LinkButton>
          </li>
        </ul>
      )}
    </div>
  );
}
