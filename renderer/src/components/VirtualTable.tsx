import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { observeElementRect, useVirtualizer, type Rect, type Virtualizer } from '@tanstack/react-virtual';
import type { Sort } from '../state/inbox-view';

export interface Column<T> {
  id: string;
  header: string;
  /** A CSS width for the column, such as "12rem". */
  width: string;
  render(item: T): ReactNode;
  /** The sort key when the heading is pressed; not sortable when absent. */
  sortKey?: string;
  align?: 'end';
}

interface VirtualTableProps<T, K extends string> {
  /** The accessible name of the grid, such as "Messages in the inbox". */
  label: string;
  /** Keeps ids unique when two tables could be on screen. */
  idPrefix: string;
  items: readonly T[];
  getId(item: T): string;
  columns: Column<T>[];
  activeId?: string;
  onActivate(id: string): void;
  /** Enter or double-click: open the item (move to its details). */
  onOpen(id: string): void;
  sort: Sort<K>;
  onSort(key: K): void;
  /** Ticks for bulk actions; no tick column when absent. */
  ticks?: { ticked: ReadonlySet<string>; onToggle(id: string): void; onToggleAll(): void; labelFor(item: T): string };
  rowClassName?(item: T): string | undefined;
  empty: ReactNode;
}

// A fixed row height keeps scrolling cheap for thousands of rows.
export const ROW_HEIGHT = 44;
const HEADER_HEIGHT = 48;
const PAGE = 10;
// Before layout (or where there is none, as in a hidden pane) a list still shows its first screenful.
const FALLBACK_HEIGHT = 20 * ROW_HEIGHT;

function observeWithFallback(instance: Virtualizer<HTMLDivElement, Element>, callback: (rect: Rect) => void) {
  return observeElementRect(instance, (rect) => callback(rect.height > 0 ? rect : { width: rect.width, height: FALLBACK_HEIGHT }));
}

/**
 * A sortable table that renders only the rows in view, so thousands of
 * messages scroll smoothly. It is one tab stop (a grid with an active row):
 * arrow keys move, Space ticks, Enter opens; the column headings are buttons.
 */
export function VirtualTable<T, K extends string>(props: VirtualTableProps<T, K>) {
  const { items, getId, columns, activeId, onActivate, onOpen, sort, onSort, ticks, idPrefix } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    paddingStart: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    initialRect: { width: 0, height: FALLBACK_HEIGHT },
    observeElementRect: observeWithFallback,
    getItemKey: (index) => {
      const item = items[index];
      return item === undefined ? index : getId(item);
    },
  });
  const activeIndex = activeId === undefined ? -1 : items.findIndex((item) => getId(item) === activeId);
  const rowId = (id: string) => `${idPrefix}-row-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

  const moveTo = (index: number) => {
    if (items.length === 0) return;
    const bounded = Math.min(items.length - 1, Math.max(0, index));
    const item = items[bounded];
    if (item === undefined) return;
    onActivate(getId(item));
    virtualizer.scrollToIndex(bounded, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    // Keys pressed on the heading buttons or tick boxes keep their own meaning.
    if (event.target !== event.currentTarget) return;
    const moves: Record<string, () => number> = {
      ArrowDown: () => activeIndex + 1,
      ArrowUp: () => (activeIndex === -1 ? 0 : activeIndex - 1),
      Home: () => 0,
      End: () => items.length - 1,
      PageDown: () => activeIndex + PAGE,
      PageUp: () => activeIndex - PAGE,
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      moveTo(move());
      return;
    }
    if (event.key === 'Enter' && activeId !== undefined) {
      event.preventDefault();
      onOpen(activeId);
    } else if (event.key === ' ' && ticks && activeId !== undefined) {
      event.preventDefault();
      ticks.onToggle(activeId);
    }
  };

  const virtualRows = virtualizer.getVirtualItems();
  const first = virtualRows[0];
  const last = virtualRows[virtualRows.length - 1];
  const spaceAbove = first ? first.start - HEADER_HEIGHT : 0;
  const spaceBelow = last ? virtualizer.getTotalSize() - last.end : 0;
  const columnCount = columns.length + (ticks ? 1 : 0);
  const allTicked = ticks !== undefined && items.length > 0 && items.every((item) => ticks.ticked.has(getId(item)));
  // A fixed table layout honours the column widths only when the table's own width is set: their sum.
  const tableWidth = `calc(${[...(ticks ? ['3rem'] : []), ...columns.map((column) => column.width)].join(' + ')})`;
  const activeItemRendered =
    activeId !== undefined && virtualRows.some((row) => items[row.index] !== undefined && getId(items[row.index] as T) === activeId);

  return (
    <div className="app-table-scroll" ref={scrollRef}>
      <table
        className="app-table"
        style={{ width: tableWidth }}
        role="grid"
        aria-label={props.label}
        aria-rowcount={items.length + 1}
        aria-activedescendant={activeItemRendered && activeId !== undefined ? rowId(activeId) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onFocus={(event) => {
          // Arriving by Tab with nothing chosen: start at the top, as a mail list does.
          if (event.target === event.currentTarget && activeIndex === -1 && items.length > 0) moveTo(0);
        }}
      >
        <colgroup>
          {ticks && <col className="app-table__tick-col" />}
          {columns.map((column) => (
            <col key={column.id} style={{ width: column.width }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {ticks && (
              <th scope="col" className="app-table__tick">
                <input
                  type="checkbox"
                  className="app-tick"
                  aria-label={allTicked ? 'Untick all shown' : 'Tick all shown'}
                  checked={allTicked}
                  disabled={items.length === 0}
                  onChange={ticks.onToggleAll}
                />
              </th>
            )}
            {columns.map((column) => {
              const sorted = column.sortKey !== undefined && column.sortKey === sort.key;
              return (
                <th
                  key={column.id}
                  scope="col"
                  aria-sort={sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
                  className={column.align === 'end' ? 'app-table__end' : undefined}
                >
                  {column.sortKey ? (
                    <button type="button" className="app-table__sort" onClick={() => onSort(column.sortKey as K)}>
                      {column.header}
                      <span aria-hidden="true" className="app-table__arrow">
                        {sorted ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
                      </span>
                    </button>
                  ) : (
                    column.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {items.length === 0 && (
            <tr>
              <td colSpan={columnCount} className="app-table__empty">
                {props.empty}
              </td>
            </tr>
          )}
          {spaceAbove > 0 && (
            <tr aria-hidden="true" className="app-table__spacer">
              <td colSpan={columnCount} style={{ height: spaceAbove }} />
            </tr>
          )}
          {virtualRows.map((row) => {
            const item = items[row.index];
            if (item === undefined) return null;
            const id = getId(item);
            const active = id === activeId;
            const extraClass = props.rowClassName?.(item);
            return (
              <tr
                key={row.key}
                id={rowId(id)}
                aria-rowindex={row.index + 2}
                aria-selected={active}
                className={`app-table__row${active ? ' app-table__row--active' : ''}${extraClass ? ` ${extraClass}` : ''}`}
                onClick={() => onActivate(id)}
                onDoubleClick={() => onOpen(id)}
              >
                {ticks && (
                  <td className="app-table__tick">
                    <input
                      type="checkbox"
                      className="app-tick"
                      // One tab stop for the whole grid: the tick is reached with Space on its row.
                      tabIndex={-1}
                      aria-label={ticks.labelFor(item)}
                      checked={ticks.ticked.has(id)}
                      onClick={(event) => event.stopPropagation()}
                      onChange={() => ticks.onToggle(id)}
                    />
                  </td>
                )}
                {columns.map((column) => (
                  <td key={column.id} className={column.align === 'end' ? 'app-table__end' : undefined}>
                    {column.render(item)}
                  </td>
                ))}
              </tr>
            );
          })}
          {spaceBelow > 0 && (
            <tr aria-hidden="true" className="app-table__spacer">
              <td colSpan={columnCount} style={{ height: spaceBelow }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
