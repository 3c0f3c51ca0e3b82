import { useAppStore } from '../state/app-store';

/** Shown wherever a mailbox is needed and none is set up yet. */
export function NoMailbox({ purpose }: { purpose: string }) {
  const go = useAppStore((s) => s.go);
  return (
    <div className="nhsuk-inset-text">
      <span className="nhsuk-u-visually-hidden">Information: </span>
      <p>You need a MESH mailbox set up on this computer {purpose}.</p>
      <button className="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0" type="button" onClick={() => go('welcome')}>
        Set up a mailbox
      </button>
    </div>
  );
}
