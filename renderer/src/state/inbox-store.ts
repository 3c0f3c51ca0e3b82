import { create } from 'zustand';
import type { InboxItem } from '../../../main/contract';
import { mesh, messageFor, unwrap } from '../mesh';
import { countOf } from '../lib/format';
import { DEFAULT_INBOX_SORT, NO_FILTERS, naturalDirection, nextSort, type InboxFilters, type InboxSortKey, type Sort } from './inbox-view';
import { savedSort, useLayoutStore } from './list-layout';
import { useTransfersStore } from './transfers-store';

const INBOX_SORT_KEYS: readonly InboxSortKey[] = [
  'from',
  'subject',
  'workflow',
  'fileName',
  'size',
  'receivedAt',
  'expiresAt',
  'type',
  'chunks',
];

/** The sort the person last chose in a mailbox's inbox, else newest first. */
function sortFor(profileId: string): Sort<InboxSortKey> {
  return savedSort(useLayoutStore.getState().columnPrefs('inbox', profileId), INBOX_SORT_KEYS) ?? DEFAULT_INBOX_SORT;
}

/** A save the person started from the inbox, followed until its transfers end. */
export interface Saving {
  ids: string[];
  /** The folder the person chose with "Save as…"; otherwise the mailbox's download folder. */
  folder?: string;
  /** Download transfers that existed before this save, so an earlier download of the same message is not taken for it. */
  earlier: string[];
}

/** A finished action's outcome, shown above the list until the next one. */
export interface Outcome {
  kind: 'success' | 'error';
  title: string;
  lines: string[];
}

interface CheckState {
  busy: boolean;
  checkedAt?: string;
  nextAllowedAt?: string;
  newMessages?: number;
  error?: string;
}

interface InboxState {
  profileId?: string;
  items: InboxItem[];
  loading: boolean;
  loadError?: string;
  filters: InboxFilters;
  sort: Sort<InboxSortKey>;
  /** The message shown in the detail pane. */
  selectedId?: string;
  /** Messages ticked for a bulk action. */
  ticked: ReadonlySet<string>;
  /** Messages waiting for the person to confirm acknowledgement, and which panel asked. */
  confirming?: { ids: string[]; from: 'detail' | 'ticked' };
  busy: boolean;
  outcome?: Outcome;
  /** The latest save from the inbox; its status shows above the list until dismissed. */
  saving?: Saving;
  /**
   * Messages saved from here that MESH has since removed (acknowledged after saving): kept on
   * screen, marked saved and collected, until the person moves on to another message.
   */
  kept: Readonly<Record<string, InboxItem>>;
  check: CheckState;
  load(profileId: string): Promise<void>;
  /** Main says this mailbox's inbox changed: reload it if it is the one on screen. */
  changed(profileId: string): void;
  setFilters(patch: Partial<InboxFilters>): void;
  clearFilters(): void;
  sortBy(key: InboxSortKey): void;
  select(messageId: string | undefined): void;
  toggleTicked(messageId: string): void;
  setTicked(messageIds: readonly string[]): void;
  askToAcknowledge(messageIds: string[], from: 'detail' | 'ticked'): void;
  cancelAcknowledge(): void;
  acknowledge(): Promise<void>;
  download(messageIds: string[], options?: { chooseFolder?: boolean }): Promise<void>;
  showInFolder(path: string): Promise<void>;
  openFile(path: string): Promise<void>;
  checkNow(): Promise<void>;
  dismissOutcome(): void;
  dismissSaving(): void;
}

export const useInboxStore = create<InboxState>((set, get) => ({
  items: [],
  loading: false,
  filters: NO_FILTERS,
  sort: DEFAULT_INBOX_SORT,
  ticked: new Set(),
  busy: false,
  kept: {},
  check: { busy: false },
  load: async (profileId) => {
    const switching = get().profileId !== profileId;
    if (switching) {
      set({
        profileId,
        items: [],
        selectedId: undefined,
        ticked: new Set(),
        confirming: undefined,
        outcome: undefined,
        saving: undefined,
        kept: {},
        sort: sortFor(profileId),
        check: { busy: false },
        loadError: undefined,
      });
    }
    set({ loading: true });
    try {
      const items = await mesh().listInbox(profileId).then(unwrap);
      // A slow answer for a mailbox the person has since left is thrown away.
      if (get().profileId !== profileId) return;
      set((state) => {
        const listed = new Set(items.map((item) => item.messageId));
        // A message just saved here and then removed by MESH stays in view, marked collected, while it is the one chosen.
        const kept: Record<string, InboxItem> = { ...state.kept };
        for (const id of state.saving?.ids ?? []) {
          const before = state.items.find((item) => item.messageId === id);
          if (!listed.has(id) && before && id === state.selectedId) kept[id] = { ...before, acknowledged: true };
        }
        for (const id of Object.keys(kept)) if (listed.has(id)) delete kept[id];
        const keptItems = Object.values(kept);
        const ids = new Set([...listed, ...keptItems.map((item) => item.messageId)]);
        return {
          items: [...items, ...keptItems],
          kept,
          loading: false,
          loadError: undefined,
          selectedId: state.selectedId && ids.has(state.selectedId) ? state.selectedId : undefined,
          ticked: new Set([...state.ticked].filter((id) => listed.has(id))),
        };
      });
    } catch (error) {
      if (get().profileId !== profileId) return;
      set({ loading: false, loadError: messageFor(error) });
    }
  },
  changed: (profileId) => {
    if (get().profileId === profileId) void get().load(profileId);
  },
  setFilters: (patch) => set((state) => ({ filters: { ...state.filters, ...patch } })),
  clearFilters: () => set({ filters: NO_FILTERS }),
  sortBy: (key) => {
    const sort = nextSort(get().sort, key, naturalDirection(key));
    const { profileId } = get();
    if (profileId) useLayoutStore.getState().setColumns('inbox', profileId, { sort });
    set({ sort });
  },
  select: (messageId) =>
    set((state) => {
      // Moving on from a collected message lets it go.
      const gone = Object.keys(state.kept).filter((id) => id !== messageId);
      if (gone.length === 0) return { selectedId: messageId };
      const kept = Object.fromEntries(Object.entries(state.kept).filter(([id]) => id === messageId));
      return { selectedId: messageId, kept, items: state.items.filter((item) => !gone.includes(item.messageId)) };
    }),
  toggleTicked: (messageId) =>
    set((state) => {
      const ticked = new Set(state.ticked);
      if (ticked.has(messageId)) ticked.delete(messageId);
      else ticked.add(messageId);
      return { ticked };
    }),
  setTicked: (messageIds) => set({ ticked: new Set(messageIds) }),
  askToAcknowledge: (messageIds, from) => set({ confirming: { ids: messageIds, from }, outcome: undefined }),
  cancelAcknowledge: () => set({ confirming: undefined }),
  acknowledge: async () => {
    const { profileId, confirming } = get();
    if (!profileId || !confirming?.ids.length) return;
    set({ busy: true });
    try {
      const result = await mesh().acknowledgeMessages(profileId, confirming.ids).then(unwrap);
      const done = new Set(result.acknowledged);
      const lines = result.failed.map((failure) => `${failure.messageId}: ${failure.message}`);
      set((state) => ({
        busy: false,
        confirming: undefined,
        items: state.items.filter((item) => !done.has(item.messageId)),
        ticked: new Set([...state.ticked].filter((id) => !done.has(id))),
        selectedId: state.selectedId && done.has(state.selectedId) ? undefined : state.selectedId,
        outcome:
          result.failed.length === 0
            ? {
                kind: 'success',
                title: `${countOf(result.acknowledged.length, 'message')} acknowledged`,
                lines: ['MESH has removed them from the mailbox.'],
              }
            : {
                kind: 'error',
                title: `${countOf(result.failed.length, 'message')} could not be acknowledged`,
                lines: result.acknowledged.length
                  ? [`${countOf(result.acknowledged.length, 'other message')} acknowledged.`, ...lines]
                  : lines,
              },
      }));
    } catch (error) {
      set({
        busy: false,
        confirming: undefined,
        outcome: { kind: 'error', title: 'Nothing was acknowledged', lines: [messageFor(error)] },
      });
    }
  },
  download: async (messageIds, options) => {
    const { profileId } = get();
    if (!profileId || messageIds.length === 0) return;
    let folder: string | undefined;
    if (options?.chooseFolder) {
      try {
        const chosen = await mesh().chooseFolder({ title: 'Choose where to save' }).then(unwrap);
        if (!chosen) return;
        folder = chosen;
      } catch (error) {
        set({ outcome: { kind: 'error', title: 'Nothing was saved', lines: [messageFor(error)] } });
        return;
      }
    }
    const earlier = useTransfersStore
      .getState()
      .transfers.filter((t) => t.direction === 'download' && t.messageId !== undefined && messageIds.includes(t.messageId))
      .map((t) => t.id);
    set({ busy: true, outcome: undefined, saving: undefined });
    try {
      // No trailing undefined: the preview bridge sends arguments as JSON, where it would become null.
      await (folder ? mesh().downloadMessages(profileId, messageIds, { folder }) : mesh().downloadMessages(profileId, messageIds)).then(
        unwrap,
      );
      // One status for the save, followed live above the list (see SaveStatus), not a second message that goes stale.
      set({ busy: false, saving: { ids: [...messageIds], ...(folder ? { folder } : {}), earlier } });
    } catch (error) {
      set({ busy: false, outcome: { kind: 'error', title: 'The download did not start', lines: [messageFor(error)] } });
    }
  },
  showInFolder: async (path) => {
    try {
      await mesh().showInFolder(path).then(unwrap);
    } catch (error) {
      set({ outcome: { kind: 'error', title: 'The folder could not be opened', lines: [messageFor(error)] } });
    }
  },
  openFile: async (path) => {
    try {
      await mesh().openFile(path).then(unwrap);
    } catch (error) {
      set({ outcome: { kind: 'error', title: 'The file was not opened', lines: [messageFor(error)] } });
    }
  },
  checkNow: async () => {
    const { profileId } = get();
    if (!profileId) return;
    set((state) => ({ check: { ...state.check, busy: true, error: undefined } }));
    try {
      const result = await mesh().checkNow(profileId).then(unwrap);
      if (get().profileId !== profileId) return;
      set({ check: { busy: false, checkedAt: result.checkedAt, nextAllowedAt: result.nextAllowedAt, newMessages: result.newMessages } });
      void get().load(profileId);
    } catch (error) {
      set((state) => ({ check: { ...state.check, busy: false, error: messageFor(error) } }));
    }
  },
  dismissOutcome: () => set({ outcome: undefined }),
  dismissSaving: () => set({ saving: undefined }),
}));
