import { useMemo } from 'react';
import type { InboxItem } from '../../../../main/contract';
import { SelectField, TextField } from '../../components/fields';
import { LinkButton } from '../../components/bits';
import { filterChoices, isFiltered, type InboxFilters as Filters, type ReceivedRange } from '../../state/inbox-view';

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

/** Search and the four filters above the inbox list. */
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
  const choices = useMemo(() => filterChoices(items), [items]);
  return (
    <div className="app-filters" role="search" aria-label="Search and filter the inbox">
      <TextField
        id="inbox-search"
        label="Search"
        hint="Sender, subject, file name or ID"
        type="search"
        value={filters.search}
        onChange={(search) => onChange({ search })}
        className="app-filters__search"
      />
      <SelectField
        id="inbox-filter-workflow"
        label="Workflow"
        value={filters.workflow}
        onChange={(workflow) => onChange({ workflow })}
        options={[{ value: '', label: 'Any workflow' }, ...choices.workflows.map((w) => ({ value: w, label: w }))]}
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
      <p className="nhsuk-body-s app-filters__count" aria-live="polite">
        {isFiltered(filters) ? `Showing ${shown} of ${items.length}` : `${items.length} ${items.length === 1 ? 'message' : 'messages'}`}
        {isFiltered(filters) && (
          <>
            {' '}
            <LinkButton onClick={onClear}>Clear filters</LinkButton>
          </>
        )}
      </p>
    </div>
  );
}
