import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { installFakeMesh } from './fake-mesh';
import { appInfo, baseAnswers, ok, resetStores, settingsSnapshot } from './fixtures';

// jsdom has no Notification API. This stand-in behaves as the browser's does
// for what the app uses: a permission, a request for it, and a constructor.
class StandInNotification {
  static permission: NotificationPermission = 'default';
  static answer: NotificationPermission = 'granted';
  static requests = 0;
  static shown: { title: string; body?: string }[] = [];
  onclick: (() => void) | null = null;
  constructor(title: string, options?: NotificationOptions) {
    StandInNotification.shown.push({ title, body: options?.body });
  }
  static async requestPermission(): Promise<NotificationPermission> {
    StandInNotification.requests += 1;
    StandInNotification.permission = StandInNotification.answer;
    return StandInNotification.answer;
  }
}

function installNotificationApi(permission: NotificationPermission) {
  StandInNotification.permission = permission;
  StandInNotification.requests = 0;
  StandInNotification.shown = [];
  Object.defineProperty(window, 'Notification', { value: StandInNotification, configurable: true, writable: true });
}

beforeEach(resetStores);
afterEach(() => {
  Reflect.deleteProperty(window, 'Notification');
});

const arrival = {
  kind: 'new-messages' as const,
  title: '3 new messages',
  body: 'Riverside Surgery has 3 new messages.',
  profileId: 'riverside',
};

async function start(notifications = true) {
  const fake = installFakeMesh(baseAnswers({ getSettings: () => ok(settingsSnapshot({ notifications })) }));
  render(<App />);
  await screen.findByRole('heading', { level: 1, name: 'Inbox' });
  // Let the settings load finish, so the notifications preference is known.
  await act(async () => {});
  return fake;
}

const toasts = () => screen.getByRole('status', { name: 'Messages from MESH Desktop' });

describe('notifications', () => {
  it('shows an operating-system notification when permission is granted', async () => {
    installNotificationApi('granted');
    const fake = await start();
    act(() => fake.emit('notification', arrival));
    expect(StandInNotification.shown).toEqual([{ title: '3 new messages', body: 'Riverside Surgery has 3 new messages.' }]);
    expect(within(toasts()).queryByText('3 new messages')).toBeNull();
  });

  it('shows a toast instead where notifications are not available', async () => {
    const fake = await start();
    act(() => fake.emit('notification', arrival));
    expect(within(toasts()).getByText('3 new messages')).toBeInTheDocument();
    expect(within(toasts()).getByText('Riverside Surgery has 3 new messages.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Turn on notifications' })).toBeNull();
  });

  it('asks permission politely once, from a button, and remembers having asked', async () => {
    installNotificationApi('default');
    const fake = await start();
    act(() => fake.emit('notification', arrival));
    expect(within(toasts()).getByText('3 new messages')).toBeInTheDocument();
    expect(StandInNotification.requests).toBe(0);
    await userEvent.click(screen.getByRole('button', { name: 'Turn on notifications' }));
    expect(StandInNotification.requests).toBe(1);
    expect(await within(toasts()).findByText('Notifications are on')).toBeInTheDocument();

    act(() => fake.emit('notification', { ...arrival, title: 'Another' }));
    expect(StandInNotification.shown.map((n) => n.title)).toEqual(['Another']);
  });

  it('does not ask again after "Not now"', async () => {
    installNotificationApi('default');
    const fake = await start();
    act(() => fake.emit('notification', arrival));
    await userEvent.click(screen.getByRole('button', { name: 'Not now' }));
    act(() => fake.emit('notification', arrival));
    expect(screen.queryByRole('button', { name: 'Turn on notifications' })).toBeNull();
    expect(StandInNotification.requests).toBe(0);
  });

  it('falls back to toasts when permission was refused', async () => {
    installNotificationApi('denied');
    const fake = await start();
    act(() => fake.emit('notification', { kind: 'transfer-failed', title: 'Sending failed', body: 'scan.zip was not sent.' }));
    expect(within(toasts()).getByText('scan.zip was not sent.')).toBeInTheDocument();
    expect(StandInNotification.shown).toEqual([]);
    expect(screen.queryByRole('button', { name: 'Turn on notifications' })).toBeNull();
  });

  it('keeps to toasts when notifications are turned off in settings', async () => {
    installNotificationApi('granted');
    const fake = await start(false);
    act(() => fake.emit('notification', arrival));
    expect(StandInNotification.shown).toEqual([]);
    expect(within(toasts()).getByText('3 new messages')).toBeInTheDocument();
  });

  it('shows notices from main as toasts that can be dismissed', async () => {
    const fake = await start();
    act(() => fake.emit('notice', { level: 'warning', message: 'The proxy asked for a password.' }));
    const toast = within(toasts()).getByText('The proxy asked for a password.').closest('li')!;
    await userEvent.click(within(toast).getByRole('button', { name: /Dismiss/ }));
    expect(within(toasts()).queryByText('The proxy asked for a password.')).toBeNull();
  });
});

describe('a shell without notifications', () => {
  it('uses toasts when main says the shell cannot show notifications', async () => {
    installNotificationApi('granted');
    const fake = installFakeMesh(
      baseAnswers({
        getAppInfo: () =>
          ok(appInfo({ capabilities: { chooseFolder: false, showInFolder: false, openFile: false, notifications: false } })),
      }),
    );
    render(<App />);
    await screen.findByRole('heading', { level: 1, name: 'Inbox' });
    act(() => fake.emit('notification', arrival));
    expect(StandInNotification.shown).toEqual([]);
    expect(within(toasts()).getByText('3 new messages')).toBeInTheDocument();
  });
});
