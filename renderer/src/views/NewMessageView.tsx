import { useEffect, useState } from 'react';
import { useAppStore } from '../state/app-store';
import { useComposeStore } from '../state/compose-store';
import { useSentStore } from '../state/sent-store';
import { FIELD_IDS, LIMITS, MAX_RECIPIENTS, recipientFieldId } from '../state/compose-form';
import { partyLabel } from '../state/inbox-view';
import { NoMailbox } from '../components/NoMailbox';
import { ErrorSummary, errorFor } from '../components/ErrorSummary';
import { ErrorMessage, SelectField, TextField } from '../components/fields';
import { Tag } from '../components/bits';
import { FileDrop } from './compose/FileDrop';
import { FindRecipient } from './compose/FindRecipient';

function Recipients() {
  const recipients = useComposeStore((s) => s.form.recipients);
  const errors = useComposeStore((s) => s.errors);
  const known = useComposeStore((s) => s.knownParties);
  const { setRecipient, addRecipientBox, removeRecipient } = useComposeStore();
  const several = recipients.length > 1;
  return (
    <div className="nhsuk-form-group">
      <fieldset className="nhsuk-fieldset" aria-describedby="compose-recipients-hint">
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
          <h2 className="nhsuk-fieldset__heading">To</h2>
        </legend>
        <div className="nhsuk-hint" id="compose-recipients-hint">
          The recipient’s MESH mailbox ID, such as X26ABC123. MESH takes one recipient per message, so each recipient you add gets their own
          copy.
        </div>
        {recipients.map((value, index) => {
          const id = recipientFieldId(index);
          const error = errorFor(errors, id);
          const party = known[value.trim().toUpperCase()];
          return (
            <div className={`app-recipient${error ? ' nhsuk-form-group--error' : ''}`} key={index}>
              <label className="nhsuk-label" htmlFor={id}>
                {several ? `Recipient ${index + 1} mailbox ID` : 'Recipient mailbox ID'}
              </label>
              <ErrorMessage id={id} error={error} />
              <div className="app-recipient__row">
                <input
                  className={`nhsuk-input nhsuk-input--width-20 nhsuk-input--code${error ? ' nhsuk-input--error' : ''}`}
                  id={id}
                  name={id}
                  type="text"
                  autoComplete="off"
                  spellCheck={false}
                  value={value}
                  aria-describedby={[error ? `${id}-error` : '', party ? `${id}-name` : ''].filter(Boolean).join(' ') || undefined}
                  aria-invalid={error ? true : undefined}
                  onChange={(event) => setRecipient(index, event.target.value)}
                />
                {several && (
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
                    onClick={() => removeRecipient(index)}
                  >
                    Remove <span className="nhsuk-u-visually-hidden">recipient {index + 1}</span>
                  </button>
                )}
              </div>
              {party && (
                <p className="nhsuk-body-s nhsuk-u-margin-top-1 nhsuk-u-margin-bottom-0" id={`${id}-name`}>
                  {partyLabel(party)}
                </p>
              )}
            </div>
          );
        })}
        {recipients.length < MAX_RECIPIENTS && (
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-2"
            onClick={addRecipientBox}
          >
            Add another recipient
          </button>
        )}
        {several && (
          <p className="nhsuk-body-s">{recipients.filter((r) => r.trim()).length} recipients: one message will be sent to each.</p>
        )}
      </fieldset>
      <FindRecipient />
    </div>
  );
}

function Workflow() {
  const workflowId = useComposeStore((s) => s.form.workflowId);
  const errors = useComposeStore((s) => s.errors);
  const recent = useComposeStore((s) => s.recentWorkflows);
  const search = useComposeStore((s) => s.workflowSearch);
  const { setField, searchWorkflow, pickRecipient } = useComposeStore();
  const [added, setAdded] = useState('');
  return (
    <div className="app-section">
      <TextField
        id={FIELD_IDS.workflowId}
        label={<span className="nhsuk-label--s">Workflow ID</span>}
        hint="The kind of message this is, agreed with the recipient, such as TOC_FHIR_IP_DISCH. MESH refuses a message whose workflow the recipient is not registered for."
        width={30}
        code
        value={workflowId}
        error={errorFor(errors, FIELD_IDS.workflowId)}
        onChange={(value) => setField('workflowId', value)}
      />
      {recent.length > 0 && (
        <div className="app-chips" role="group" aria-label="Workflows you used recently">
          <span className="nhsuk-body-s nhsuk-u-margin-bottom-0">Recently used:</span>
          {recent.slice(0, 8).map((workflow) => (
            <button
              key={workflow}
              type="button"
              className="app-chip"
              aria-pressed={workflow === workflowId.trim()}
              onClick={() => setField('workflowId', workflow)}
            >
              {workflow}
            </button>
          ))}
        </div>
      )}
      <button
        type="button"
        className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
        disabled={search.busy}
        onClick={() => void searchWorkflow()}
      >
        {search.busy ? 'Looking…' : 'Who can receive this workflow?'}
      </button>
      <div aria-live="polite">
        {search.error && <p className="nhsuk-error-message">{search.error}</p>}
        {search.results && search.results.length === 0 && (
          <p className="nhsuk-body-s">No mailbox is registered to receive {search.query}. Check the workflow ID.</p>
        )}
        {search.results && search.results.length > 0 && (
          <table className="nhsuk-table app-compact-table">
            <caption className="nhsuk-table__caption nhsuk-table__caption--s">Mailboxes registered for {search.query}</caption>
            <thead className="nhsuk-table__head">
              <tr className="nhsuk-table__row">
                <th scope="col" className="nhsuk-table__header">
                  Mailbox
                </th>
                <th scope="col" className="nhsuk-table__header">
                  <span className="nhsuk-u-visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody className="nhsuk-table__body">
              {search.results.slice(0, 200).map((party) => (
                <tr className="nhsuk-table__row" key={party.mailboxId}>
                  <td className="nhsuk-table__cell">{partyLabel(party)}</td>
                  <td className="nhsuk-table__cell">
                    <button
                      type="button"
                      className="app-link-button"
                      onClick={() => {
                        pickRecipient(party.mailboxId);
                        setAdded(`${party.mailboxId} added as a recipient.`);
                      }}
                    >
                      Send to this mailbox <span className="nhsuk-u-visually-hidden">({party.mailboxId})</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {added && (
          <p className="nhsuk-body-s" role="status">
            {added}
          </p>
        )}
      </div>
    </div>
  );
}

/** New message: who to, which workflow, what about, which file; checked before anything is sent. */
export function NewMessageView() {
  const mailboxes = useAppStore((s) => s.mailboxes);
  const activeId = useAppStore((s) => s.activeMailboxId);
  const { go, selectMailbox } = useAppStore();
  const compose = useComposeStore();
  const { form, errors, sending, sendError, start, setProfile, loadRecentWorkflows } = compose;
  const [attempts, setAttempts] = useState(0);

  const profileKnown = mailboxes.some((m) => m.id === form.profileId);
  useEffect(() => {
    if (!profileKnown && activeId) start(activeId);
  }, [profileKnown, activeId, start]);
  useEffect(() => {
    if (form.profileId) void loadRecentWorkflows();
  }, [form.profileId, loadRecentWorkflows]);

  if (mailboxes.length === 0) {
    return (
      <>
        <h1>New message</h1>
        <NoMailbox purpose="to send files" />
      </>
    );
  }
  const from = mailboxes.find((m) => m.id === form.profileId);

  const onSubmit = async () => {
    const sent = await compose.send();
    if (!sent) {
      setAttempts((n) => n + 1);
      return;
    }
    if (from && from.id !== activeId) selectMailbox(from.id);
    useSentStore.getState().showJustSent(sent, form.profileId);
    go('outbox');
  };

  return (
    <div className="app-view app-view--form">
      <h1>New message</h1>
      {from?.training && (
        <p>
          <Tag colour="orange">Training</Tag> This is a training mailbox: nothing you send leaves this computer.
        </p>
      )}
      <ErrorSummary errors={errors} focusKey={attempts} />
      {sendError && (
        <div className="nhsuk-error-summary" role="alert">
          <h2 className="nhsuk-error-summary__heading">The message was not sent</h2>
          <div className="nhsuk-error-summary__body">
            <p>{sendError}</p>
          </div>
        </div>
      )}
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void onSubmit();
        }}
      >
        {mailboxes.length > 1 && (
          <SelectField
            id="compose-from"
            label={<span className="nhsuk-label--s">From</span>}
            value={form.profileId}
            onChange={setProfile}
            options={mailboxes.map((m) => ({ value: m.id, label: `${m.displayName} (${m.mailboxId})${m.training ? ' – training' : ''}` }))}
          />
        )}
        <Recipients />
        <Workflow />
        <TextField
          id={FIELD_IDS.subject}
          label={<span className="nhsuk-label--s">Subject (optional)</span>}
          hint={`What the recipient sees first. Up to ${LIMITS.subject} characters.`}
          width="full"
          spellCheck
          value={form.subject}
          error={errorFor(errors, FIELD_IDS.subject)}
          onChange={(value) => compose.setField('subject', value)}
        />
        <TextField
          id={FIELD_IDS.localId}
          label={<span className="nhsuk-label--s">Your reference (optional)</span>}
          hint={
            <>
              A reference for your own records, sent with the message. <strong>Do not include patient-identifiable information</strong>,
              such as a name, date of birth or NHS number.
            </>
          }
          width={30}
          value={form.localId}
          error={errorFor(errors, FIELD_IDS.localId)}
          onChange={(value) => compose.setField('localId', value)}
        />
        <FileDrop
          id={FIELD_IDS.file}
          file={form.file}
          error={errorFor(errors, FIELD_IDS.file)}
          onChoose={(file) => void compose.chooseFile(file)}
          onClear={compose.clearFile}
        />
        <button className="nhsuk-button" type="submit" disabled={sending}>
          {sending
            ? 'Sending…'
            : form.recipients.filter((r) => r.trim()).length > 1
              ? `Send ${form.recipients.filter((r) => r.trim()).length} messages`
              : 'Send message'}
        </button>
      </form>
    </div>
  );
}
