import { useEffect, useMemo } from 'react';
import type { TransferView } from '../../../main/contract';
import { useAppStore } from '../state/app-store';
import { useTransfersStore } from '../state/transfers-store';
import {
  isActive,
  orderTransfers,
  transferActions,
  transferHeading,
  transferPercent,
  transferProgressWords,
  transferStateWords,
  type TransferAction,
} from '../state/transfers-view';
import { ProgressBar, Tag } from '../components/bits';
import { mesh } from '../mesh';

const ACTION_WORDS: Record<TransferAction, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel', retry: 'Try again' };
// Finished transfers beyond this are not drawn: the list is for what is happening now.
const FINISHED_SHOWN = 100;
// One empty list for every render: a selector that answers a new [] each time makes zustand re-render for ever.
const NO_PROBLEMS: readonly string[] = [];

function TransferCard({ transfer }: { transfer: TransferView }) {
  const act = useTransfersStore((s) => s.act);
  const pending = useTransfersStore((s) => s.pending.has(transfer.id));
  const actionError = useTransfersStore((s) => s.actionErrors[transfer.id]);
  const canShowInFolder = useAppStore((s) => s.info?.capabilities.showInFolder ?? false);
  const heading = transferHeading(transfer);
  const state = transferStateWords(transfer.state);
  const percent = transferPercent(transfer);
  const progress = transferProgressWords(transfer);
  const headingId = `transfer-${transfer.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <li className={`app-transfer app-transfer--${transfer.state}`} aria-labelledby={headingId}>
      <div className="app-transfer__top">
        <h3 className="nhsuk-heading-xs nhsuk-u-margin-bottom-1" id={headingId}>
          {heading}
        </h3>
        <Tag colour={state.colour}>{state.label}</Tag>
      </div>
      {transfer.state !== 'cancelled' && (
        <ProgressBar percent={percent} label={heading} valueText={percent === undefined ? progress : `${percent}%, ${progress}`} />
      )}
      <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
        {percent !== undefined && transfer.state !== 'done' && <strong>{percent}% · </strong>}
        {progress}
      </p>
      {transfer.error && (
        <p className="app-text-problem nhsuk-body-s nhsuk-u-margin-bottom-1">
          <strong>What went wrong:</strong> {transfer.error.message}
        </p>
      )}
      {transfer.note && <p className="nhsuk-body-s app-muted nhsuk-u-margin-bottom-1">{transfer.note}</p>}
      {actionError && (
        <p className="nhsuk-error-message nhsuk-u-margin-bottom-1" role="alert">
          {actionError}
        </p>
      )}
      <div className="app-button-row">
        {transferActions(transfer).map((action) => (
          <button
            key={action}
            type="button"
            className={`nhsuk-button nhsuk-button--small nhsuk-u-margin-bottom-0${action === 'retry' || action === 'resume' ? '' : ' nhsuk-button--secondary'}`}
            disabled={pending}
            onClick={() => void act(action, transfer.id)}
          >
            {ACTION_WORDS[action]} <span className="nhsuk-u-visually-hidden">{heading}</span>
          </button>
        ))}
        {transfer.state === 'done' && transfer.savedPath && canShowInFolder && (
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
            onClick={() => void mesh().showInFolder(transfer.savedPath ?? '')}
          >
            Show in folder <span className="nhsuk-u-visually-hidden">{transfer.title}</span>
          </button>
        )}
      </div>
    </li>
  );
}

/** Transfers: every file moving in or out, with progress and what can be done about each. */
export function TransfersView() {
  const { transfers, loaded, loadError, load, announcement } = useTransfersStore();
  const problems = useAppStore((s) => s.info?.transferProblems ?? NO_PROBLEMS);
  useEffect(() => {
    void load();
  }, [load]);
  const ordered = useMemo(() => orderTransfers(transfers), [transfers]);
  const active = ordered.filter(isActive);
  const failed = ordered.filter((t) => t.state === 'failed');
  const finished = ordered.filter((t) => !isActive(t) && t.state !== 'failed');
  return (
    <div className="app-view">
      <h1>Transfers</h1>
      <p className="nhsuk-u-visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {loadError && (
        <div className="app-outcome app-outcome--error" role="alert">
          <p className="app-outcome__title">Transfers could not be loaded</p>
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">{loadError}</p>
        </div>
      )}
      {problems.length > 0 && (
        <div className="nhsuk-warning-callout">
          <h2 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>Saved transfers set aside
            </span>
          </h2>
          {problems.map((problem) => (
            <p key={problem} className="nhsuk-body-s">
              {problem}
            </p>
          ))}
        </div>
      )}
      {failed.length > 0 && (
        <>
          <h2 className="nhsuk-heading-m">Needs your attention</h2>
          <ul className="app-transfers" aria-label="Transfers that failed">
            {failed.map((t) => (
              <TransferCard key={t.id} transfer={t} />
            ))}
          </ul>
        </>
      )}
      <h2 className="nhsuk-heading-m">In progress</h2>
      {active.length === 0 ? (
        <p>{loaded ? 'Nothing is being sent or received right now.' : 'Loading…'}</p>
      ) : (
        <ul className="app-transfers" aria-label="Transfers in progress">
          {active.map((t) => (
            <TransferCard key={t.id} transfer={t} />
          ))}
        </ul>
      )}
      {finished.length > 0 && (
        <>
          <h2 className="nhsuk-heading-m">Finished</h2>
          <ul className="app-transfers" aria-label="Finished transfers">
            {finished.slice(0, FINISHED_SHOWN).map((t) => (
              <TransferCard key={t.id} transfer={t} />
            ))}
          </ul>
          {finished.length > FINISHED_SHOWN && (
            <p className="nhsuk-body-s">The {FINISHED_SHOWN} most recent are shown. Older ones are in Sent and in your download folder.</p>
          )}
        </>
      )}
    </div>
  );
}
