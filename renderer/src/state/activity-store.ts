import { create } from 'zustand';
import type { ActivityEntry, ActivityFilter, ActivityList, ActivitySummary } from '../../../main/contract';
import { mesh, messageFor, unwrap } from '../mesh';
import { countOf } from '../lib/format';
import {
  activityRequest,
  ACTIVITY_PAGE_SIZE,
  DEFAULT_ACTIVITY_SORT,
  missingPages,
  NO_ACTIVITY_FIELDS,
  type ActivityFields,
  type ActivitySortKey,
} from './activity-view';
import { nextSort, type Sort } from './inbox-view';
import type { Outcome } from './inbox-store';

interface ActivityState {
  fields: ActivityFields;
  /** A sentence about a filter field main would refuse, shown beside the fields. */
  fieldProblem?: string;
  /** Pages of the matching entries by page number, for the current filter and order; the rest are asked for as they scroll into view. */
  pages: Readonly<Record<number, readonly ActivityEntry[]>>;
  /** How many entries pass the filter. */
  matched: number;
  /** Whether the answer shown was to a filter (the count says "N of M" only then, not while the person types). */
  filtered: boolean;
  total: number;
  summary?: ActivitySummary;
  verified?: ActivityList['verified'];
  loading: boolean;
  loadError?: string;
  sort: Sort<ActivitySortKey>;
  /** The entry in the detail pane (kept whole, so it stays while its page is asked for again). */
  selected?: ActivityEntry;
  exporting: boolean;
  outcome?: Outcome;
  /** Asks again from the top: after a filter or order change, or on opening the view. */
  load(): Promise<void>;
  /** The rows the list shows (first to last, inclusive): asks for any of their pages not yet here. */
  showRows(first: number, last: number): void;
  setFields(patch: Partial<ActivityFields>): void;
  clearFields(): void;
  sortBy(key: ActivitySortKey): void;
  select(entry: ActivityEntry | undefined): void;
  exportAs(format: 'csv' | 'json'): Promise<void>;
  dismiss(): void;
}

/**
 * Counts loads: a page answered for an older filter or order is dropped, so what the person typed last is what
 * they see even when main answers out of order.
 */
let generation = 0;
/** Pages asked for and not yet answered, in this generation. */
let asked = new Set<number>();
/** What this generation's pages are of: fixed when it starts, so a page asked for while the person types still fits the rest. */
let query: { filter: ActivityFilter; oldestFirst: boolean } = { filter: {}, oldestFirst: false };
let typingTimer: ReturnType<typeof setTimeout> | undefined;
/** Typing in the search box waits this long after the last key before asking main again. */
const TYPING_PAUSE_MS = 250;

/** Hands text to the person as a file, where main has no dialog of its own (the preview). */
function offerDownload(fileName: string, mimeType: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${mimeType};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download by the next turn; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export const useActivityStore = create<ActivityState>((set, get) => {
  const fetchPage = async (page: number, mine: number, fresh = false) => {
    const { filter, oldestFirst } = query;
    asked.add(page);
    const list = await mesh()
      .listActivity(filter, { offset: page * ACTIVITY_PAGE_SIZE, limit: ACTIVITY_PAGE_SIZE, ...(oldestFirst ? { oldestFirst: true } : {}) })
      .then(unwrap);
    if (mine !== generation) return;
    asked.delete(page);
    set((state) => ({
      pages: fresh ? { [page]: list.entries } : { ...state.pages, [page]: list.entries },
      matched: list.matched,
      filtered: Object.keys(filter).length > 0,
      total: list.total,
      summary: list.summary,
      verified: list.verified,
    }));
  };
  return {
    fields: NO_ACTIVITY_FIELDS,
    pages: {},
    matched: 0,
    filtered: false,
    total: 0,
    loading: false,
    sort: DEFAULT_ACTIVITY_SORT,
    exporting: false,
    load: async () => {
      const request = activityRequest(get().fields);
      if ('problem' in request) {
        set({ fieldProblem: request.problem });
        return;
      }
      const mine = ++generation;
      asked = new Set();
      query = { filter: request.filter, oldestFirst: get().sort.direction === 'asc' };
      set({ loading: true, fieldProblem: undefined });
      try {
        // The first page replaces every page: the others are asked for again as they come into view.
        await fetchPage(0, mine, true);
        if (mine !== generation) return;
        set({ loading: false, loadError: undefined });
      } catch (error) {
        if (mine !== generation) return;
        set({ loading: false, loadError: messageFor(error) });
      }
    },
    showRows: (first, last) => {
      const { pages, matched, loading } = get();
      if (loading) return;
      const mine = generation;
      for (const page of missingPages(first, last, matched, pages, asked)) {
        fetchPage(page, mine).catch((error: unknown) => {
          asked.delete(page);
          if (mine === generation) set({ loadError: messageFor(error) });
        });
      }
    },
    setFields: (patch) => {
      set((state) => ({ fields: { ...state.fields, ...patch } }));
      clearTimeout(typingTimer);
      if ('text' in patch || 'workflowId' in patch) typingTimer = setTimeout(() => void get().load(), TYPING_PAUSE_MS);
      else void get().load();
    },
    clearFields: () => {
      clearTimeout(typingTimer);
      set({ fields: NO_ACTIVITY_FIELDS });
      void get().load();
    },
    sortBy: (key) => {
      set((state) => ({ sort: nextSort(state.sort, key, 'desc') }));
      void get().load();
    },
    select: (entry) => set({ selected: entry }),
    exportAs: async (format) => {
      const request = activityRequest(get().fields);
      if ('problem' in request) {
        set({ fieldProblem: request.problem });
        return;
      }
      set({ exporting: true, outcome: undefined });
      try {
        const result = await mesh().exportActivity(request.filter, format).then(unwrap);
        if (result.kind === 'cancelled') {
          set({ exporting: false });
          return;
        }
        const what = `${countOf(result.entries, 'entry', 'entries')} exported as ${format.toUpperCase()}`;
        if (result.kind === 'text') {
          offerDownload(result.fileName, result.mimeType, result.text);
          set({ exporting: false, outcome: { kind: 'success', title: what, lines: [`Your browser is saving it as ${result.fileName}.`] } });
        } else {
          set({ exporting: false, outcome: { kind: 'success', title: what, lines: [`Saved to ${result.path}`] } });
        }
      } catch (error) {
        set({ exporting: false, outcome: { kind: 'error', title: 'The activity could not be exported', lines: [messageFor(error)] } });
      }
    },
    dismiss: () => set({ outcome: undefined }),
  };
});
