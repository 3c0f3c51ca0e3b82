import type { Unsubscribe } from '../../../main/contract';
import { mesh } from '../mesh';
import { useAppStore } from './app-store';
import { useInboxStore } from './inbox-store';
import { useSentStore } from './sent-store';
import { useSettingsStore } from './settings-store';
import { useTransfersStore } from './transfers-store';
import { useNotificationStore } from './notifications';
import { toast } from './toast-store';

/** Routes everything main pushes to the store that owns it; returns one function that stops it all. */
export function subscribeToMain(): Unsubscribe {
  const api = mesh();
  const stops = [
    api.on('mailboxes-changed', (mailboxes) => useAppStore.getState().setMailboxes(mailboxes)),
    // Only a Settings view that has loaded shows settings; it reads them again so IT's change appears while it is open.
    api.on('settings-changed', () => {
      if (useSettingsStore.getState().snapshot) void useSettingsStore.getState().load();
    }),
    api.on('inbox-changed', ({ profileId }) => useInboxStore.getState().changed(profileId)),
    api.on('sent-changed', ({ profileId }) => useSentStore.getState().changed(profileId)),
    api.on('transfers-changed', (transfers) => useTransfersStore.getState().replaceAll(transfers)),
    api.on('transfer-progress', (transfer) => useTransfersStore.getState().update(transfer)),
    api.on('notice', (notice) => toast(notice.level, notice.message)),
    api.on('notification', (event) => useNotificationStore.getState().notify(event)),
  ];
  return () => stops.forEach((stop) => stop());
}
