import { useEffect } from 'react';
import { useAppStore } from '../state/app-store';
import { useSettingsStore } from '../state/settings-store';
import { LoadFailed, WarningCallout } from '../components/bits';
import { MailboxesSection } from './settings/MailboxesSection';
import { NetworkSection } from './settings/NetworkSection';
import { GeneralSection } from './settings/GeneralSection';
import { CsrSection } from './settings/CsrSection';
import { HelpSection } from './settings/HelpSection';

const CONTENTS = [
  { id: 'settings-mailboxes', label: 'Mailboxes and certificates' },
  { id: 'settings-general', label: 'Downloads, transfers and notifications' },
  { id: 'settings-network', label: 'Network' },
  { id: 'settings-csr', label: 'Create a certificate request' },
  { id: 'settings-help', label: 'Help' },
  { id: 'settings-about', label: 'About this installation' },
];

/** Settings: mailboxes, certificates, network, downloads, help and about; policy-locked values shown as such. */
export function SettingsView() {
  const info = useAppStore((s) => s.info);
  const { snapshot, loadError, load } = useSettingsStore();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="app-view app-view--form">
      <h1>Settings</h1>
      <nav className="nhsuk-contents-list" aria-label="On this page">
        <h2 className="nhsuk-u-visually-hidden">On this page</h2>
        <ol className="nhsuk-contents-list__list">
          {CONTENTS.map((item) => (
            <li className="nhsuk-contents-list__item" key={item.id}>
              <a
                className="nhsuk-contents-list__link"
                href={`#${item.id}`}
                onClick={(event) => {
                  event.preventDefault();
                  const target = document.getElementById(item.id);
                  target?.scrollIntoView?.({ block: 'start' });
                  target?.setAttribute('tabindex', '-1');
                  target?.focus();
                }}
              >
                {item.label}
              </a>
            </li>
          ))}
        </ol>
      </nav>
      {snapshot && snapshot.problems.length > 0 && (
        <WarningCallout heading="Your IT department may need to know">
          <ul>
            {snapshot.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </WarningCallout>
      )}
      {loadError && <LoadFailed title="Some settings could not be loaded" message={loadError} onRetry={() => void load()} />}
      <MailboxesSection snapshot={snapshot} />
      {snapshot && <GeneralSection snapshot={snapshot} />}
      {snapshot && <NetworkSection snapshot={snapshot} />}
      <CsrSection />
      <HelpSection />
      <section aria-labelledby="settings-about">
        <h2 id="settings-about">About this installation</h2>
        {info && (
          <dl className="nhsuk-summary-list" aria-label="About this installation">
            <Row label="Version" value={`${info.productName} ${info.version}`} />
            <Row label="Running as" value={info.shell === 'electron' ? 'Desktop app' : 'Browser preview'} />
            <Row label="Data folder" value={info.dataFolder} />
            <Row label="Operating system" value={info.platform} />
          </dl>
        )}
      </section>
    </div>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value" data-testid={`about-${label.toLowerCase().replace(/\s+/g, '-')}`}>
        {value}
      </dd>
    </div>
  );
}
