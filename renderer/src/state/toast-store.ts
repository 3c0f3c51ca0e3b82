import { create } from 'zustand';

export interface Toast {
  id: number;
  level: 'info' | 'success' | 'warning' | 'error';
  title?: string;
  message: string;
}

/** How many toasts stay on screen; older ones give way to newer. */
export const MAX_TOASTS = 4;

interface ToastState {
  toasts: Toast[];
  /** Shows a short message in the corner of the window; returns its id. */
  push(toast: Omit<Toast, 'id'>): number;
  dismiss(id: number): void;
}

let nextId = 1;

export const useToastStore = create<ToastState>((set) => ({
  toasts: [],
  push: (toast) => {
    const id = nextId++;
    set((state) => ({ toasts: [...state.toasts, { ...toast, id }].slice(-MAX_TOASTS) }));
    return id;
  },
  dismiss: (id) => set((state) => ({ toasts: state.toasts.filter((t) => t.id !== id) })),
}));

/** Shows a toast from anywhere (stores, event handlers). */
export function toast(level: Toast['level'], message: string, title?: string): number {
  return useToastStore.getState().push(title === undefined ? { level, message } : { level, message, title });
}
