import { useState } from 'react';
import { TextField } from '../../components/fields';
import { partyLabel } from '../../state/inbox-view';
import { useComposeStore } from '../../state/compose-store';

/** "Find by organisation": ODS code and workflow → the organisation's mailboxes, one to pick. */
export function FindRecipient() {
  const lookup = useComposeStore((s) => s.lookup);
  const lookupMailboxes = useComposeStore((s) => s.lookupMailboxes);
  const pickRecipient = useComposeStore((s) => s.pickRecipient);
  const [ods, setOds] = useState('');
  const [chosen, setChosen] = useState('');
  const [added, setAdded] = useState('');
  const results = lookup.results ?? [];
  const pick = chosen || (results.length === 1 ? (results[0]?.mailboxId ?? '') : '');
  return (
    <details className="nhsuk-details app-details">
      <summary className="nhsuk-details__summary">
        <span className="nhsuk-details__summary-text">Find a mailbox by organisation</span>
      </summary>
      <div className="nhsuk-details__text">
        <p className="nhsuk-body-s">Enter the organisation’s ODS code. MESH looks up its mailbox for the workflow you entered below.</p>
        <div className="app-inline-form">
          <TextField
            id="compose-ods"
            label="ODS code"
            hint="For example A81001 or RX1"
            width={10}
            value={ods}
            onChange={setOds}
            error={lookup.error}
            code
          />
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            disabled={lookup.busy}
            onClick={() => {
              setChosen('');
              setAdded('');
              void lookupMailboxes(ods);
            }}
          >
            {lookup.busy ? 'Looking…' : 'Find mailboxes'}
          </button>
        </div>
        <div aria-live="polite">
          {lookup.results && results.length === 0 && (
            <p className="nhsuk-body-s">No mailbox was found for {lookup.query}. Check the ODS code and the workflow ID.</p>
          )}
          {results.length > 0 && (
            <fieldset className="nhsuk-fieldset">
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
                {results.length === 1 ? 'Mailbox found' : `${results.length} mailboxes found: choose one`}
              </legend>
              <div className="nhsuk-radios nhsuk-radios--small">
                {results.map((party) => (
                  <div className="nhsuk-radios__item" key={party.mailboxId}>
                    <input
                      className="nhsuk-radios__input"
                      type="radio"
                      id={`compose-found-${party.mailboxId}`}
                      name="compose-found"
                      value={party.mailboxId}
                      checked={pick === party.mailboxId}
                      onChange={() => setChosen(party.mailboxId)}
                    />
                    <label className="nhsuk-label nhsuk-radios__label" htmlFor={`compose-found-${party.mailboxId}`}>
                      {partyLabel(party)}
                    </label>
                  </div>
                ))}
              </div>
              <button
                type="button"
                className="nhsuk-button nhsuk-button--small nhsuk-u-margin-top-3 nhsuk-u-margin-bottom-0"
                disabled={!pick}
                onClick={() => {
                  pickRecipient(pick);
                  setAdded(`${pick} added as a recipient.`);
                }}
              >
                Send to this mailbox
              </button>
            </fieldset>
          )}
          {added && (
            <p className="nhsuk-body-s nhsuk-u-margin-top-2" role="status">
              {added}
            </p>
          )}
        </div>
      </div>
    </details>
  );
}
