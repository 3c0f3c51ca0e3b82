import { useAppStore } from '../state/app-store';

export function SettingsView() {
  const info = useAppStore((s) => s.info);
  const mailboxes = useAppStore((s) => s.mailboxes);
  return (
    <>
      <h1>Settings</h1>
      <h2>Mailboxes</h2>
      {mailboxes.length === 0 ? (
        <p>No mailbox is set up on this computer yet.</p>
      ) : (
        <ul className="nhsuk-list nhsuk-list--bullet">
          {mailboxes.map((m) => (
            <li key={m.id}>
              {m.displayName} ({m.mailboxId}, {m.environment})
            </li>
          ))}
        </ul>
      )}
      <h2>About this installation</h2>
      {info && (
        <dl className="nhsuk-summary-list" aria-label="About this installation">
          <Row label="Version" value={`${info.productName} ${info.version}`} />
          <Row label="Running as" value={info.shell === 'electron' ? 'Desktop app' : 'Browser preview'} />
          <Row label="Data folder" value={info.dataFolder} />
          <Row label="Operating system" value={info.platform} />
        </dl>
      )}
    </>
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
