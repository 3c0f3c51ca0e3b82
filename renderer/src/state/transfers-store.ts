import { create } from 'zustand';
import type { TransferView } from '../../../main/contract';
import { mesh, messageFor, unwrap } from '../mesh';
import { transferHeading, upsertTransfer, type TransferAction } from './transfers-view';

interface TransfersState {
  transfers: TransferView[];
  loaded: boolean;
  loadError?: string;
  /** Transfer ids with a button press in flight, so the button cannot be pressed twice. */
  pending: ReadonlySet<string>;
  /** A problem with the last button press, by transfer id. */
  actionErrors: Readonly<Record<string, string>>;
  /** The last change worth reading out to screen-reader users. */
  announcement: string;
  load(): Promise<void>;
  replaceAll(transfers: TransferView[]): void;
  update(transfer: TransferView): void;
  act(action: TransferAction, id: string): Promise<void>;
}

const FINISH_WORDS: Partial<Record<TransferView['state'], string>> = {
  done: 'finished',
  failed: 'failed',
  cancelled: 'was cancelled',
  paused: 'is paused',
};

export const useTransfersStore = create<TransfersState>((set, get) => ({
  transfers: [],
  loaded: false,
  pending: new Set(),
  actionErrors: {},
  announcement: '',
  load: async () => {
    try {
      const transfers = await mesh().listTransfers().then(unwrap);
      set({ transfers, loaded: true, loadError: undefined });
    } catch (error) {
      set({ loaded: true, loadError: messageFor(error) });
    }
  },
  replaceAll: (transfers) => set({ transfers, loaded: true }),
  update: (transfer) => {
    const before = get().transfers.find((t) => t.id === transfer.id);
    const words = FINISH_WORDS[transfer.state];
    // Progress ticks are not read out (they would drown everything else); changes of state are.
    const announcement = words && before?.state !== transfer.state ? `${transferHeading(transfer)} ${words}.` : get().announcement;
    set((state) => ({ transfers: upsertTransfer(state.transfers, transfer), announcement }));
  },
  act: async (action, id) => {
    if (get().pending.has(id)) return;
    set((state) => ({ pending: new Set([...state.pending, id]), actionErrors: { ...state.actionErrors, [id]: '' } }));
    const call = { pause: mesh().pauseTransfer, resume: mesh().resumeTransfer, cancel: mesh().cancelTransfer, retry: mesh().retryTransfer }[
      action
    ];
    try {
      const updated = await call(id).then(unwrap);
      get().update(updated);
    } catch (error) {
      set((state) => ({ actionErrors: { ...state.actionErrors, [id]: messageFor(error) } }));
    } finally {
      set((state) => {
        const pending = new Set(state.pending);
        pending.delete(id);
        return { pending };
      });
    }
  },
}));
