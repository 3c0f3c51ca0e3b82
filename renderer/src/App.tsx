import { useDeferredValue, useEffect, useRef } from 'react';
import { SECTIONS, useActiveMailbox, useAppStore, type Section } from './state/app-store';
import { subscribeToMain } from './state/events';
import { useSettingsStore } from './state/settings-store';
import { useTransfersStore } from './state/transfers-store';
import { useNotificationStore } from './state/notifications';
import { isActive } from './state/transfers-view';
import { InboxView } from './views/InboxView';
import { OutboxView } from './views/OutboxView';
import { NewMessageView } from './views/NewMessageView';
import { TransfersView } from './views/TransfersView';
import { SettingsView } from './views/SettingsView';
import { ActivityView } from './views/ActivityView';
import { WelcomeView } from './views/WelcomeView';
import { StatusBar } from './components/StatusBar';
import { MailboxSwitcher } from './components/MailboxSwitcher';
import { Toasts } from './components/Toasts';

/** A count beside a folder; read as the button's description so its name stays just "Inbox". */
function FolderCount({ id, count, words }: { id: string; count: number; words: string }) {
  if (count <= 0) return null;
  return (
    <>
      <span className="app-count" aria-hidden="true">
        {count}
      </span>
      {/* aria-describedby reads hidden text, so this is heard but not seen twice. */}
      <span id={id} hidden>
        {`${count} ${words}`}
      </span>
    </>
  );
}

/** Where a click on an operating-system notification takes the person. */
function openFromNotification(kind: string, profileId: string | undefined): void {
  const app = useAppStore.getState();
  if (profileId && app.mailboxes.some((m) => m.id === profileId)) app.selectMailbox(profileId);
  const target: Section =
    kind === 'transfer-done' || kind === 'transfer-failed' ? 'transfers' : kind === 'certificate-expiry' ? 'settings' : 'inbox';
  app.go(target);
}

/** The window staff live in: mailboxes and folders on the left, the work on the right, as in NHSmail. */
export function App() {
  const { status, loadError, section, go, load } = useAppStore();
  const active = useActiveMailbox();
  const activeTransfers = useTransfersStore((s) => s.transfers.filter(isActive).length);
  const mainRef = useRef<HTMLElement>(null);
  // The folder list answers a click at once; the view it opens is built in the background (React yields to the
  // browser while it renders), so opening a large view is not one long frame.
  const shown = useDeferredValue(section);
  const shownSection = useRef<Section>(undefined);

  useEffect(() => {
    void load();
    const stop = subscribeToMain();
    void useSettingsStore.getState().load();
    void useTransfersStore.getState().load();
    useNotificationStore.getState().setOnOpen((event) => openFromNotification(event.kind, event.profileId));
    return stop;
  }, [load]);

  useEffect(() => {
    // Changing folder is like loading a page: put focus on the new heading so screen readers announce it.
    // The page the app opens on is left alone, as a freshly loaded page would be.
    if (status !== 'ready') return;
    if (shownSection.current === undefined || shownSection.current === shown) {
      shownSection.current = shown;
      return;
    }
    shownSection.current = shown;
    // After the new view is painted: focusing makes the browser lay the page out there and then, which inside the
    // frame that shows the view would double its cost.
    let timer: number | undefined;
    const frame = window.requestAnimationFrame(() => {
      timer = window.setTimeout(() => {
        const heading = mainRef.current?.querySelector('h1');
        if (heading) {
          heading.setAttribute('tabindex', '-1');
          heading.focus();
        }
      }, 0);
    });
    return () => {
      window.cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, [shown, status]);

  useEffect(() => {
    // Ctrl+N starts a new message, as in Outlook.
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'n') {
        event.preventDefault();
        useAppStore.getState().go('new-message');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (status === 'loading') {
    return (
      <main className="app-main" aria-busy="true">
        <p>Starting MESH Desktop…</p>
      </main>
    );
  }
  if (status === 'failed') {
    return (
      <main className="app-main">
        <div className="nhsuk-error-summary" role="alert" tabIndex={-1}>
          <h1 className="nhsuk-error-summary__title">MESH Desktop could not start</h1>
          <div className="nhsuk-error-summary__body">
            <p>{loadError}</p>
          </div>
        </div>
      </main>
    );
  }

  const newMessage = SECTIONS.find((item) => item.id === 'new-message');
  const folders = SECTIONS.filter((item) => item.id !== 'new-message');

  return (
    <div className="app">
      <a
        className="nhsuk-skip-link"
        href="#main-content"
        onClick={(event) => {
          event.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Skip to main content
      </a>
      <header className="app-header-area" role="banner">
        <div className="app-header">
          <span className="app-header__logo" aria-hidden="true">
            NHS
          </span>
          <p className="app-header__title">MESH Desktop</p>
          {active?.training && (
            <strong className="nhsuk-tag nhsuk-tag--orange" aria-hidden="true">
              Training
            </strong>
          )}
        </div>
        {active?.training && (
          // Inside the banner landmark, so nothing on the page sits outside one; one line at any width.
          <p className="app-training-banner" role="note" title={`${active.displayName} is a practice mailbox.`}>
            <strong>TRAINING</strong> — {active.displayName} is a practice mailbox. Nothing you send leaves this computer, and nothing here
            is real.
          </p>
        )}
      </header>
      <div className="app-body">
        <nav className="app-sidebar" aria-label="Mailboxes and folders">
          {newMessage && (
            <div className="app-sidebar__new">
              <button
                type="button"
                className="nhsuk-button app-new-button"
                aria-current={section === 'new-message' ? 'page' : undefined}
                onClick={() => go('new-message')}
              >
                {newMessage.label}
              </button>
            </div>
          )}
          <h2 id="mailboxes-heading">Mailboxes</h2>
          <MailboxSwitcher />
          <h2 id="folders-heading">Folders</h2>
          <ul className="app-nav" aria-labelledby="folders-heading">
            {folders.map((item) => {
              const count = item.id === 'inbox' ? (active?.unread ?? 0) : item.id === 'transfers' ? activeTransfers : 0;
              const countId = `folder-count-${item.id}`;
              return (
                <li key={item.id}>
                  <button
                    type="button"
                    aria-current={item.id === section ? 'page' : undefined}
                    aria-describedby={count > 0 ? countId : undefined}
                    onClick={() => go(item.id)}
                  >
                    <span>{item.label}</span>
                    <FolderCount
                      id={countId}
                      count={count}
                      words={item.id === 'transfers' ? 'in progress' : count === 1 ? 'message waiting' : 'messages waiting'}
                    />
                  </button>
                </li>
              );
            })}
          </ul>
        </nav>
        <main className={`app-main app-main--${shown}`} id="main-content" ref={mainRef} tabIndex={-1}>
          {shown === 'welcome' && <WelcomeView />}
          {shown === 'inbox' && <InboxView />}
          {shown === 'outbox' && <OutboxView />}
          {shown === 'new-message' && <NewMessageView />}
          {shown === 'transfers' && <TransfersView />}
          {shown === 'activity' && <ActivityView />}
          {shown === 'settings' && <SettingsView />}
        </main>
      </div>
      <Toasts />
      <StatusBar />
    </div>
  );
}
