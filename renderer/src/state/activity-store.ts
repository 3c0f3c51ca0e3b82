import { create } from 'zustand';
import type { ActivityEntry, ActivityList } from '../../../main/contract';
import { mesh, messageFor, unwrap } from '../mesh';
import { countOf } from '../lib/format';
import { activityRequest, DEFAULT_ACTIVITY_SORT, NO_ACTIVITY_FIELDS, type ActivityFields, type ActivitySortKey } from './activity-view';
import { nextSort, type Sort } from './inbox-view';
import type { Outcome } from './inbox-store';

interface ActivityState {
  fields: ActivityFields;
  /** A sentence about a filter field main would refuse, shown beside the fields. */
  fieldProblem?: string;
  entries: ActivityEntry[];
  total: number;
  truncated: boolean;
  verified?: ActivityList['verified'];
  loading: boolean;
  loadError?: string;
  sort: Sort<ActivitySortKey>;
  selected?: number;
  exporting: boolean;
  outcome?: Outcome;
  load(): Promise<void>;
  setFields(patch: Partial<ActivityFields>): void;
  clearFields(): void;
  sortBy(key: ActivitySortKey): void;
  select(sequence: number | undefined): void;
  exportAs(format: 'csv' | 'json'): Promise<void>;
  dismiss(): void;
}

/** Counts loads, so only the newest answer is shown when the person types faster than main answers. */
let loadsStarted = 0;
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

export const useActivityStore = create<ActivityState>((set, get) => ({
  fields: NO_ACTIVITY_FIELDS,
  entries: [],
  total: 0,
  truncated: false,
  loading: false,
  sort: DEFAULT_ACTIVITY_SORT,
  exporting: false,
  load: async () => {
    const request = activityRequest(get().fields);
    if ('problem' in request) {
      set({ fieldProblem: request.problem });
      return;
    }
    set({ loading: true, fieldProblem: undefined });
    const load = ++loadsStarted;
    try {
      const list = await mesh().listActivity(request.filter).then(unwrap);
      if (load !== loadsStarted) return;
      set((state) => ({
        entries: list.entries,
        total: list.total,
        truncated: list.truncated,
        verified: list.verified,
        loading: false,
        loadError: undefined,
        selected: list.entries.some((entry) => entry.sequence === state.selected) ? state.selected : undefined,
      }));
    } catch (error) {
      if (load !== loadsStarted) return;
      set({ loading: false, loadError: messageFor(error) });
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
  sortBy: (key) => set((state) => ({ sort: nextSort(state.sort, key, 'desc') })),
  select: (sequence) => set({ selected: sequence }),
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
}));
