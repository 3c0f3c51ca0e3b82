/**
 * How the person has arranged the window's lists, remembered on this computer:
 * the reading pane (right, bottom or off) and its size, the row height, and for
 * each list and mailbox which columns show, how wide they are and the sort.
 * Kept in the window's local storage; a storage that cannot be read or written
 * (a private window, a full disk) just means the defaults.
 */
import { useMemo } from 'react';
import { create } from 'zustand';
import type { Sort, SortDirection } from './inbox-view';

export type ReadingPane = 'right' | 'bottom' | 'off';
export type Density = 'comfortable' | 'compact';

export interface ViewPrefs {
  readingPane: ReadingPane;
  /** The pane's width when on the right, and its height when at the bottom, in CSS pixels. */
  paneWidth: number;
  paneHeight: number;
  /** Unset: compact on short screens (below 900 px high), comfortable otherwise. */
  density?: Density;
}

export interface ColumnPrefs {
  /** The columns shown, in order; unset means the list's defaults. */
  shown?: string[];
  /** Widths the person dragged or keyed, in CSS pixels. */
  widths: Record<string, number>;
  sort?: { key: string; direction: SortDirection };
}

export const DEFAULT_VIEW: ViewPrefs = { readingPane: 'right', paneWidth: 360, paneHeight: 280 };
export const PANE_LIMITS = { minWidth: 280, maxWidth: 720, minHeight: 160, maxHeight: 560 } as const;
/** The narrowest a column may be made. */
export const MIN_COLUMN_WIDTH = 56;
export const MAX_COLUMN_WIDTH = 800;
/** Row heights in the lists: NHS.UK spacing scale steps (44 px is its touch-target size). */
export const ROW_HEIGHTS: Record<Density, number> = { comfortable: 44, compact: 34 };

const VIEW_KEY = 'mesh-desktop.view';
const columnsKey = (list: string, profileId: string) => `mesh-desktop.columns.${list}.${profileId}`;

function read<T>(key: string): T | undefined {
  try {
    const text = window.localStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}

function write(key: string, value: unknown): void {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Not remembered this time; the window still works.
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** A saved view, with anything missing or out of range put back to the default. */
export function cleanView(saved: Partial<ViewPrefs> | undefined): ViewPrefs {
  const pane = saved?.readingPane;
  const density = saved?.density;
  return {
    readingPane: pane === 'right' || pane === 'bottom' || pane === 'off' ? pane : DEFAULT_VIEW.readingPane,
    paneWidth: clamp(Number(saved?.paneWidth) || DEFAULT_VIEW.paneWidth, PANE_LIMITS.minWidth, PANE_LIMITS.maxWidth),
    paneHeight: clamp(Number(saved?.paneHeight) || DEFAULT_VIEW.paneHeight, PANE_LIMITS.minHeight, PANE_LIMITS.maxHeight),
    ...(density === 'comfortable' || density === 'compact' ? { density } : {}),
  };
}

/** The row height to use: the person's choice, else compact on a window under 900 px high. */
export function effectiveDensity(view: ViewPrefs, windowHeight: number): Density {
  return view.density ?? (windowHeight < 900 ? 'compact' : 'comfortable');
}

/** The columns to show, in order: the person's choice of those that exist, else the defaults; never none. */
export function shownColumns<C extends { id: string; defaultHidden?: boolean }>(
  columns: readonly C[],
  prefs: ColumnPrefs | undefined,
): C[] {
  const byId = new Map(columns.map((column) => [column.id, column]));
  const chosen = (prefs?.shown ?? []).map((id) => byId.get(id)).filter((column): column is C => column !== undefined);
  if (chosen.length > 0) return chosen;
  return columns.filter((column) => !column.defaultHidden);
}

/** A column shown or hidden: shown ones keep the list's own order. */
export function toggleColumn<C extends { id: string; defaultHidden?: boolean }>(
  columns: readonly C[],
  prefs: ColumnPrefs | undefined,
  id: string,
  visible: boolean,
): string[] {
  const current = new Set(shownColumns(columns, prefs).map((column) => column.id));
  if (visible) current.add(id);
  else if (current.size > 1) current.delete(id);
  return columns.filter((column) => current.has(column.id)).map((column) => column.id);
}

interface LayoutState {
  view: ViewPrefs;
  columns: Record<string, ColumnPrefs>;
  setView(patch: Partial<ViewPrefs>): void;
  /** The saved column choices of a list in a mailbox (read from storage the first time). */
  columnPrefs(list: string, profileId: string): ColumnPrefs;
  setColumns(list: string, profileId: string, patch: Partial<ColumnPrefs>): void;
  setColumnWidth(list: string, profileId: string, columnId: string, width: number): void;
  /** Forgets what was read, so storage is read again (for tests). */
  reset(): void;
}

export const useLayoutStore = create<LayoutState>((set, get) => ({
  view: cleanView(read<Partial<ViewPrefs>>(VIEW_KEY)),
  columns: {},
  setView: (patch) => {
    const view = cleanView({ ...get().view, ...patch });
    write(VIEW_KEY, view);
    set({ view });
  },
  columnPrefs: (list, profileId) => {
    const key = columnsKey(list, profileId);
    const known = get().columns[key];
    if (known) return known;
    const saved = read<ColumnPrefs>(key);
    return {
      widths: saved?.widths && typeof saved.widths === 'object' ? saved.widths : {},
      ...(saved?.shown ? { shown: saved.shown } : {}),
      ...(saved?.sort ? { sort: saved.sort } : {}),
    };
  },
  setColumns: (list, profileId, patch) => {
    const key = columnsKey(list, profileId);
    const prefs = { ...get().columnPrefs(list, profileId), ...patch };
    write(key, prefs);
    set((state) => ({ columns: { ...state.columns, [key]: prefs } }));
  },
  setColumnWidth: (list, profileId, columnId, width) => {
    const prefs = get().columnPrefs(list, profileId);
    get().setColumns(list, profileId, { widths: { ...prefs.widths, [columnId]: clamp(width, MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH) } });
  },
  reset: () => set({ view: cleanView(read<Partial<ViewPrefs>>(VIEW_KEY)), columns: {} }),
}));

/** A saved sort, if it names one of the keys the list knows. */
export function savedSort<K extends string>(prefs: ColumnPrefs, keys: readonly K[]): Sort<K> | undefined {
  const sort = prefs.sort;
  if (!sort || !keys.includes(sort.key as K)) return undefined;
  return { key: sort.key as K, direction: sort.direction === 'asc' ? 'asc' : 'desc' };
}

/** A list's saved column choices in a mailbox, kept steady between renders until they change. */
export function useColumnPrefs(list: string, profileId: string | undefined): ColumnPrefs | undefined {
  const key = profileId ? columnsKey(list, profileId) : '';
  const stored = useLayoutStore((s) => (key ? s.columns[key] : undefined));
  return useMemo(
    () => stored ?? (profileId ? useLayoutStore.getState().columnPrefs(list, profileId) : undefined),
    [stored, list, profileId],
  );
}
