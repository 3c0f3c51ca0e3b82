import { create } from 'zustand';
import type { SentItem } from '../../../main/contract';
import { mesh, messageFor, unwrap } from '../mesh';
import { DEFAULT_SENT_SORT, NO_SENT_FILTERS, type SentFilters, type SentSortKey } from './sent-view';
import { naturalDirection, nextSort, type Sort } from './inbox-view';
import type { Outcome } from './inbox-store';

interface SentState {
  profileId?: string;
  items: SentItem[];
  loading: boolean;
  loadError?: string;
  filters: SentFilters;
  sort: Sort<SentSortKey>;
  /** The local record shown in the detail pane. */
  selectedId?: string;
  /** A MESH message id to select once the list has loaded (from a non-delivery report's link). */
  wantedMessageId?: string;
  /** Set when the wanted message is not in this computer's Sent list. */
  notFoundMessageId?: string;
  /** Messages just sent from New message, for the success panel. */
  justSent?: SentItem[];
  refreshing: boolean;
  outcome?: Outcome;
  load(profileId: string): Promise<void>;
  changed(profileId: string): void;
  setFilters(patch: Partial<SentFilters>): void;
  sortBy(key: SentSortKey): void;
  select(id: string | undefined): void;
  /** Selects the sent message with this MESH message id, now or when the list arrives. */
  showMessage(messageId: string, profileId: string): void;
  /** Shows the success panel for messages just sent from a mailbox, with the first one chosen. */
  showJustSent(items: SentItem[], profileId: string): void;
  /** Asks MESH for the latest status: of one message (by its MESH message id), or of all recent ones. */
  refresh(messageId?: string): Promise<void>;
  dismiss(): void;
}

function applyWanted(items: SentItem[], wanted: string | undefined): Partial<SentState> {
  if (!wanted) return {};
  const match = items.find((item) => item.messageId === wanted);
  // Clear the filters so the wanted message is certainly in view.
  return match
    ? { selectedId: match.id, wantedMessageId: undefined, notFoundMessageId: undefined, filters: NO_SENT_FILTERS }
    : { wantedMessageId: undefined, notFoundMessageId: wanted };
}

/** Counts loads, so only the newest one's answer is shown. */
let loadsStarted = 0;

export const useSentStore = create<SentState>((set, get) => ({
  items: [],
  loading: false,
  filters: NO_SENT_FILTERS,
  sort: DEFAULT_SENT_SORT,
  refreshing: false,
  load: async (profileId) => {
    if (get().profileId !== profileId) {
      set({ profileId, items: [], selectedId: undefined, loadError: undefined, outcome: undefined, notFoundMessageId: undefined });
    }
    set({ loading: true });
    // Loads overlap (a send, then its "done", each ask for one) and answers can arrive out of order: an older one
    // landing last would put back the list from before the newest change.
    const load = ++loadsStarted;
    const stale = () => load !== loadsStarted || get().profileId !== profileId;
    try {
      const items = await mesh().listSent(profileId).then(unwrap);
      if (stale()) return;
      set((state) => ({
        items,
        loading: false,
        loadError: undefined,
        selectedId: state.selectedId && items.some((item) => item.id === state.selectedId) ? state.selectedId : undefined,
        ...applyWanted(items, state.wantedMessageId),
      }));
    } catch (error) {
      if (stale()) return;
      set({ loading: false, loadError: messageFor(error) });
    }
  },
  changed: (profileId) => {
    if (get().profileId === profileId) void get().load(profileId);
  },
  setFilters: (patch) => set((state) => ({ filters: { ...state.filters, ...patch } })),
  sortBy: (key) => set((state) => ({ sort: nextSort(state.sort, key, naturalDirection(key)) })),
  select: (id) => set({ selectedId: id }),
  showMessage: (messageId, profileId) => {
    const state = get();
    // If a load is under way, or the list belongs to another mailbox, the next load applies it.
    if (state.profileId === profileId && !state.loading && state.items.length > 0) set(applyWanted(state.items, messageId));
    else set({ wantedMessageId: messageId, notFoundMessageId: undefined });
  },
  showJustSent: (items, profileId) =>
    set((state) => ({
      justSent: items,
      filters: NO_SENT_FILTERS,
      selectedId: items[0]?.id,
      // Taken on now, so the load that follows keeps the choice rather than treating it as another mailbox's.
      ...(state.profileId === profileId
        ? {}
        : { profileId, items: [], loadError: undefined, outcome: undefined, notFoundMessageId: undefined }),
    })),
  refresh: async (messageId) => {
    const { profileId } = get();
    if (!profileId) return;
    set({ refreshing: true, outcome: undefined });
    try {
      const updated = await (messageId === undefined ? mesh().refreshSent(profileId) : mesh().refreshSent(profileId, messageId)).then(
        unwrap,
      );
      if (get().profileId !== profileId) return;
      const byId = new Map(updated.map((item) => [item.id, item]));
      set((state) => ({
        refreshing: false,
        items: state.items.map((item) => byId.get(item.id) ?? item),
        outcome: {
          kind: 'success',
          title: 'Status updated',
          lines: [messageId ? 'MESH was asked about this message just now.' : 'MESH was asked about your recent messages just now.'],
        },
      }));
    } catch (error) {
      set({ refreshing: false, outcome: { kind: 'error', title: 'The status could not be updated', lines: [messageFor(error)] } });
    }
  },
  dismiss: () => set({ justSent: undefined, outcome: undefined, notFoundMessageId: undefined }),
}));
