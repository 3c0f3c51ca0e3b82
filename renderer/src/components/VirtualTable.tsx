import { useCallback, useEffect, useRef, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { elementScroll, observeElementRect, useVirtualizer, type Rect, type Virtualizer } from '@tanstack/react-virtual';
import type { Sort } from '../state/inbox-view';

export interface Column<T> {
  id: string;
  header: string;
  /** The column's starting width in CSS pixels; a flexible column takes a share of the space left instead. */
  width: number;
  /** Shares the width the fixed columns leave (From and Subject), never narrower than `width`. */
  flex?: boolean;
  render(item: T): ReactNode;
  /** The full text of a cell, shown on hover when it is cut short. */
  text?(item: T): string | undefined;
  /** Left out until the person shows it (the column chooser). */
  defaultHidden?: boolean;
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
  /** Row height in CSS pixels (comfortable or compact). */
  rowHeight?: number;
  /** Widths the person chose, by column id; absent ones use the column's own. */
  widths?: Readonly<Record<string, number>>;
  /** Called as a column's edge is dragged or moved with the arrow keys. */
  onResize?(columnId: string, width: number): void;
  /** The id of an element describing how to use the grid (the keys). */
  describedBy?: string;
  /** Told the rows rendered (first to last index) whenever they change, for a list whose rows arrive page by page. */
  onVisibleRange?(first: number, last: number): void;
  /**
   * Where the row with this id is, for a list too long to search on every render (the Activity view's 100,000
   * entries); -1 when it is not in the list. Without it the rows are searched.
   */
  indexOf?(id: string): number;
  /** The rows never move within the list (they are places, filled in as pages arrive): keyed by position, not id. */
  keyedByPosition?: boolean;
}

// A fixed row height keeps scrolling cheap for thousands of rows.
export const ROW_HEIGHT = 44;
const HEADER_HEIGHT = 40;
const PAGE = 10;
const TICK_WIDTH = 40;
const RESIZE_STEP = 16;
const MIN_WIDTH = 56;
const MAX_WIDTH = 800;
// Before layout (or where there is none, as in a hidden pane) a list still shows its first screenful.
const FALLBACK_HEIGHT = 20 * ROW_HEIGHT;

/** The edge of a column heading: drag it, or focus it and use the arrow keys, to make the column wider or narrower. */
function ResizeHandle({ header, width, onResize }: { header: string; width: number; onResize(width: number): void }) {
  const start = useRef<{ x: number; width: number } | undefined>(undefined);
  const measured = (element: HTMLElement) => element.parentElement?.getBoundingClientRect().width || width;
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.preventDefault();
    start.current = { x: event.clientX, width: measured(event.currentTarget) };
    event.currentTarget.setPointerCapture?.(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!start.current) return;
    onResize(start.current.width + event.clientX - start.current.x);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? RESIZE_STEP * 4 : RESIZE_STEP;
    const now = Math.round(measured(event.currentTarget));
    const next = { ArrowLeft: now - step, ArrowRight: now + step, Home: MIN_WIDTH, End: MAX_WIDTH }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    event.stopPropagation();
    onResize(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, next)));
  };
  return (
    <div
      className="app-table__resize"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Width of the ${header} column`}
      aria-valuemin={MIN_WIDTH}
      aria-valuemax={MAX_WIDTH}
      aria-valuenow={Math.round(width)}
      tabIndex={0}
      title="Drag to change the column's width (or use the arrow keys)"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (start.current = undefined)}
      onPointerCancel={() => (start.current = undefined)}
      onKeyDown={onKeyDown}
      onClick={(event) => event.stopPropagation()}
    />
  );
}

function withFallback(callback: (rect: Rect) => void) {
  return (rect: Rect) => callback(rect.height > 0 ? rect : { width: rect.width, height: FALLBACK_HEIGHT });
}

/**
 * The list's size as the ResizeObserver first reports it (after the browser's own layout), not read at once as the
 * library does: reading it while the view mounts forces a layout of the whole new view inside the frame that opens
 * it. Until the report the list shows its first screenful (`initialRect`).
 */
function observeListRect(instance: Virtualizer<HTMLDivElement, Element>, callback: (rect: Rect) => void) {
  const element = instance.scrollElement;
  const Observer = instance.targetWindow?.ResizeObserver;
  if (!element || !Observer) return observeElementRect(instance, withFallback(callback));
  const report = withFallback(callback);
  const observer = new Observer(() => report({ width: element.clientWidth, height: element.clientHeight }));
  observer.observe(element, { box: 'content-box' });
  return () => observer.disconnect();
}

const written = new WeakSet<Element>();

/**
 * Scrolls the list, except for the library's first write of offset 0 as the list mounts: a new list is already at
 * the top, and the write forces a layout of the whole new view inside the frame that opens it.
 */
function scrollList(
  offset: number,
  options: { adjustments?: number; behavior?: ScrollBehavior },
  instance: Virtualizer<HTMLDivElement, Element>,
) {
  const element = instance.scrollElement;
  if (element && !written.has(element)) {
    written.add(element);
    if (offset + (options.adjustments ?? 0) === 0) return;
  }
  elementScroll(offset, options, instance);
}

/**
 * A sortable table that renders only the rows in view, so thousands of
 * messages scroll smoothly. It is one tab stop (a grid with an active row):
 * arrow keys move, Space ticks, Enter opens; the column headings are buttons.
 */
export function VirtualTable<T, K extends string>(props: VirtualTableProps<T, K>) {
  const { items, getId, columns, activeId, onActivate, onOpen, sort, onSort, ticks, idPrefix, widths = {}, onResize } = props;
  const rowHeight = props.rowHeight ?? ROW_HEIGHT;
  const scrollRef = useRef<HTMLDivElement>(null);
  // Kept the same between renders: the virtualizer lays out every row again whenever this changes, which for a
  // list of 100,000 rows is a long frame on each scroll step.
  const { keyedByPosition, indexOf } = props;
  const getItemKey = useCallback(
    (index: number) => {
      const item = items[index];
      return item === undefined || keyedByPosition ? index : getId(item);
    },
    [items, getId, keyedByPosition],
  );
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    paddingStart: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    initialRect: { width: 0, height: FALLBACK_HEIGHT },
    observeElementRect: observeListRect,
    scrollToFn: scrollList,
    getItemKey,
  });
  const activeIndex = activeId === undefined ? -1 : indexOf ? indexOf(activeId) : items.findIndex((item) => getId(item) === activeId);
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
  const { onVisibleRange } = props;
  const firstIndex = first?.index;
  const lastIndex = last?.index;
  useEffect(() => {
    if (firstIndex !== undefined && lastIndex !== undefined) onVisibleRange?.(firstIndex, lastIndex);
  }, [firstIndex, lastIndex, items.length, onVisibleRange]);
  const spaceAbove = first ? first.start - HEADER_HEIGHT : 0;
  const spaceBelow = last ? virtualizer.getTotalSize() - last.end : 0;
  const columnCount = columns.length + (ticks ? 1 : 0);
  const allTicked = ticks !== undefined && items.length > 0 && items.every((item) => ticks.ticked.has(getId(item)));
  // A chosen width is kept exactly; a flexible column without one shares what is left. The table fills its
  // pane, and only scrolls sideways when the columns the person chose cannot fit at their narrowest.
  const widthOf = (column: Column<T>) => widths[column.id] ?? (column.flex ? undefined : column.width);
  const minimumWidth = (ticks ? TICK_WIDTH : 0) + columns.reduce((sum, column) => sum + (widths[column.id] ?? column.width), 0);
  const activeItemRendered =
    activeId !== undefined && virtualRows.some((row) => items[row.index] !== undefined && getId(items[row.index] as T) === activeId);

  return (
    <div className="app-table-scroll" ref={scrollRef}>
      <table
        className={`app-table${rowHeight < ROW_HEIGHT ? ' app-table--compact' : ''}`}
        style={{ minWidth: minimumWidth }}
        role="grid"
        aria-label={props.label}
        aria-describedby={props.describedBy}
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
          {columns.map((column) => {
            const width = widthOf(column);
            return <col key={column.id} style={width === undefined ? undefined : { width }} />;
          })}
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
                  // Named by its heading alone: the resize handle inside has a name of its own,
                  // which would otherwise be read out with every heading.
                  aria-label={column.header}
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
                  {onResize && (
                    <ResizeHandle
                      header={column.header}
                      width={widths[column.id] ?? column.width}
                      onResize={(width) => onResize(column.id, width)}
                    />
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
                  <td key={column.id} className={column.align === 'end' ? 'app-table__end' : undefined} title={column.text?.(item)}>
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
