/**
 * Operating-system notifications for things worth interrupting someone for
 * (new files, failed sends). Uses the browser Notification API, which works in
 * Electron's window and in the browser preview. Permission is asked for once,
 * politely, from a button the person presses; if it is refused or not
 * available, the same news appears as a toast inside the window.
 */
import { create } from 'zustand';
import type { NotificationEvent } from '../../../main/contract';
import { toast } from './toast-store';
import { useAppStore } from './app-store';
import { useInboxStore } from './inbox-store';

/** Whether the inbox on screen is showing the status of a save in this mailbox. */
function savingShownInInbox(profileId: string | undefined): boolean {
  const app = useAppStore.getState();
  const inbox = useInboxStore.getState();
  return app.section === 'inbox' && inbox.saving !== undefined && (!profileId || inbox.profileId === profileId);
}

const ASKED_KEY = 'mesh-desktop.notification-permission-asked';

export type PermissionState = 'unsupported' | 'default' | 'granted' | 'denied';

/** What the browser says about notification permission here. */
export function permissionState(): PermissionState {
  if (typeof window === 'undefined' || typeof window.Notification !== 'function') return 'unsupported';
  return window.Notification.permission;
}

function alreadyAsked(): boolean {
  try {
    return window.localStorage.getItem(ASKED_KEY) === 'yes';
  } catch {
    return false;
  }
}

function rememberAsked(): void {
  try {
    window.localStorage.setItem(ASKED_KEY, 'yes');
  } catch {
    // Storage can be unavailable (private windows); asking again next time is harmless.
  }
}

interface NotificationState {
  /** Whether to show the "turn on notifications?" question. */
  offerPermission: boolean;
  /** Whether the person wants notifications at all (from settings); off means toasts only. */
  enabled: boolean;
  /** Where a click on a notification should take the person. */
  onOpen?: (event: NotificationEvent) => void;
  setEnabled(enabled: boolean): void;
  setOnOpen(onOpen: (event: NotificationEvent) => void): void;
  /** Shows a notification from main: OS notification when allowed, a toast otherwise. */
  notify(event: NotificationEvent): void;
  /** Asks the browser for permission (must be called from a button press). */
  requestPermission(): Promise<void>;
  declinePermission(): void;
}

const TOAST_LEVEL: Record<NotificationEvent['kind'], 'info' | 'success' | 'warning' | 'error'> = {
  'new-messages': 'info',
  'transfer-done': 'success',
  'transfer-failed': 'error',
  'non-delivery': 'error',
  'certificate-expiry': 'warning',
};

export const useNotificationStore = create<NotificationState>((set, get) => ({
  offerPermission: false,
  enabled: true,
  setEnabled: (enabled) => set({ enabled }),
  setOnOpen: (onOpen) => set({ onOpen }),
  notify: (event) => {
    // A shell that says it cannot show notifications gets toasts, whatever the browser API claims.
    const capable = useAppStore.getState().info?.capabilities.notifications !== false;
    const state = capable ? permissionState() : 'unsupported';
    if (get().enabled && state === 'granted') {
      const shown = new window.Notification(event.title, { body: event.body, tag: event.kind });
      shown.onclick = () => {
        window.focus();
        get().onOpen?.(event);
      };
      return;
    }
    // A save started from the inbox already has its status there ("Saved", the folder, Show in folder): no second note.
    if (event.kind === 'transfer-done' && savingShownInInbox(event.profileId)) return;
    toast(TOAST_LEVEL[event.kind], event.body, event.title);
    if (get().enabled && state === 'default' && !alreadyAsked()) set({ offerPermission: true });
  },
  requestPermission: async () => {
    rememberAsked();
    set({ offerPermission: false });
    if (permissionState() === 'unsupported') return;
    const answer = await window.Notification.requestPermission();
    if (answer === 'granted') toast('success', 'MESH Desktop will tell you when files arrive or a send fails.', 'Notifications are on');
    else
      toast(
        'info',
        'You will see news inside this window instead. You can change this in your computer’s settings.',
        'Notifications are off',
      );
  },
  declinePermission: () => {
    rememberAsked();
    set({ offerPermission: false });
  },
}));
