import { useEffect } from 'react';
import { SECTIONS, useAppStore } from './state/app-store';
import { InboxView } from './views/InboxView';
import { OutboxView } from './views/OutboxView';
import { NewMessageView } from './views/NewMessageView';
import { TransfersView } from './views/TransfersView';
import { SettingsView } from './views/SettingsView';
import { StatusBar } from './components/StatusBar';

/** The window staff live in: mailboxes and folders on the left, the work on the right. */
export function App() {
  const { status, loadError, section, go, mailboxes, activeMailboxId, selectMailbox, load } = useAppStore();

  useEffect(() => {
    void load();
  }, [load]);

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

  return (
    <div className="app">
      <header className="app-header" role="banner">
        <span className="app-header__logo" aria-hidden="true">
          NHS
        </span>
        <p className="app-header__title">MESH Desktop</p>
        <span className="app-header__spacer" />
        <button className="nhsuk-button nhsuk-button--reverse nhsuk-u-margin-bottom-0" type="button" onClick={() => go('new-message')}>
          New message
        </button>
      </header>
      <div className="app-body">
        <nav className="app-sidebar" aria-label="Mailboxes and folders">
          <h2 id="mailboxes-heading">Mailboxes</h2>
          {mailboxes.length === 0 ? (
            <p className="nhsuk-body-s nhsuk-u-margin-left-3 nhsuk-u-margin-right-3">No mailbox set up yet.</p>
          ) : (
            <ul className="app-nav" aria-labelledby="mailboxes-heading">
              {mailboxes.map((mailbox) => (
                <li key={mailbox.id}>
                  <button type="button" aria-current={mailbox.id === activeMailboxId ? 'page' : undefined} onClick={() => selectMailbox(mailbox.id)}>
                    <span>{mailbox.displayName}</span>
                    <span className="nhsuk-body-s nhsuk-u-margin-bottom-0">{mailbox.mailboxId}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <h2 id="folders-heading">Folders</h2>
          <ul className="app-nav" aria-labelledby="folders-heading">
            {SECTIONS.map((item) => (
              <li key={item.id}>
                <button type="button" aria-current={item.id === section ? 'page' : undefined} onClick={() => go(item.id)}>
                  {item.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <main className="app-main" id="main-content">
          {section === 'inbox' && <InboxView />}
          {section === 'outbox' && <OutboxView />}
          {section === 'new-message' && <NewMessageView />}
          {section === 'transfers' && <TransfersView />}
          {section === 'settings' && <SettingsView />}
        </main>
      </div>
      <StatusBar />
    </div>
  );
}
