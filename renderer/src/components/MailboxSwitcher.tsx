import { useAppStore } from '../state/app-store';
import { Tag } from './bits';

/** The mailboxes in the sidebar, with how many messages wait in each. */
export function MailboxSwitcher() {
  const mailboxes = useAppStore((s) => s.mailboxes);
  const activeId = useAppStore((s) => s.activeMailboxId);
  const selectMailbox = useAppStore((s) => s.selectMailbox);
  const go = useAppStore((s) => s.go);
  const section = useAppStore((s) => s.section);
  if (mailboxes.length === 0) {
    return (
      <div className="nhsuk-u-margin-left-3 nhsuk-u-margin-right-3 nhsuk-u-margin-bottom-4">
        <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">No mailbox set up yet.</p>
        <button
          type="button"
          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
          onClick={() => go('welcome')}
        >
          Set up a mailbox
        </button>
      </div>
    );
  }
  return (
    <ul className="app-nav" aria-labelledby="mailboxes-heading">
      {mailboxes.map((mailbox) => (
        <li key={mailbox.id}>
          <button
            type="button"
            aria-current={mailbox.id === activeId ? 'true' : undefined}
            title={`${mailbox.displayName} (${mailbox.mailboxId})`}
            onClick={() => {
              selectMailbox(mailbox.id);
              // Choosing a mailbox from setup or settings means "show me its inbox".
              if (section === 'welcome') go('inbox');
            }}
          >
            <span className="app-nav__text">
              <span className="app-nav__name">{mailbox.displayName}</span>
              <span className="app-nav__sub">
                {mailbox.mailboxId}
                {mailbox.training && (
                  <Tag colour="orange" className="app-nav__tag">
                    Training
                  </Tag>
                )}
                {mailbox.status.connection === 'failed' && <span className="app-nav__problem"> · not connected</span>}
              </span>
            </span>
            {mailbox.unread > 0 && (
              <span className="app-count">
                {mailbox.unread}{' '}
                <span className="nhsuk-u-visually-hidden">{mailbox.unread === 1 ? 'message waiting' : 'messages waiting'}</span>
              </span>
            )}
          </button>
        </li>
      ))}
    </ul>
  );
}
