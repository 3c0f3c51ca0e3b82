import { useEffect, useRef, useState } from 'react';
import type { Environment, MailboxSummary } from '../../../main/contract';
import { useAppStore } from '../state/app-store';
import { useSettingsStore } from '../state/settings-store';
import { MailboxForm } from '../components/MailboxForm';
import { ConnectionTestSteps } from '../components/ConnectionTest';

const FALLBACK_ENVIRONMENTS: Environment[] = ['LIVE', 'DEP', 'INT'];

type Step = { kind: 'choose' } | { kind: 'form' } | { kind: 'testing'; mailbox: MailboxSummary };

/**
 * First run: set up a real mailbox, or try the training sandbox. Short, one
 * thing at a time, and the connection test at the end shows which step failed.
 */
export function WelcomeView() {
  const go = useAppStore((s) => s.go);
  const hasMailboxes = useAppStore((s) => s.mailboxes.length > 0);
  const { snapshot, load, startTrainingSandbox, testConnection, tests } = useSettingsStore();
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [sandboxError, setSandboxError] = useState<string>();
  const [startingSandbox, setStartingSandbox] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (!snapshot) void load();
  }, [snapshot, load]);
  useEffect(() => {
    // Each step is a new "page": put focus on its heading as a page load would.
    if (step.kind !== 'choose') heading.current?.focus();
  }, [step.kind]);

  const environments = snapshot?.allowedEnvironments.length ? snapshot.allowedEnvironments : FALLBACK_ENVIRONMENTS;
  const sandboxAllowed = !snapshot || snapshot.allowedEnvironments.length === 0 || snapshot.allowedEnvironments.includes('TRAINING');

  const trySandbox = async () => {
    setStartingSandbox(true);
    setSandboxError(undefined);
    const result = await startTrainingSandbox();
    setStartingSandbox(false);
    if (result.ok) go('inbox');
    else setSandboxError(result.message);
  };

  if (step.kind === 'form') {
    return (
      <div className="app-view app-view--form">
        <h1 tabIndex={-1} ref={heading}>
          Set up your mailbox
        </h1>
        <p>You need the details your organisation received when the mailbox was created. It takes about 5 minutes.</p>
        <MailboxForm
          idPrefix="setup"
          environments={environments}
          environmentsManaged={snapshot?.managed.environments}
          submitLabel="Add mailbox and test the connection"
          onAdded={(mailbox) => {
            setStep({ kind: 'testing', mailbox });
            void testConnection(mailbox.id);
          }}
          onCancel={() => setStep({ kind: 'choose' })}
        />
      </div>
    );
  }

  if (step.kind === 'testing') {
    const test = tests[step.mailbox.id];
    return (
      <div className="app-view app-view--form">
        <h1 tabIndex={-1} ref={heading}>
          Checking the connection
        </h1>
        <p>
          {step.mailbox.displayName} ({step.mailbox.mailboxId}) has been added.
        </p>
        <div aria-live="polite">
          {(!test || test.running) && <p role="status">Testing the connection to MESH… this can take up to a minute.</p>}
          {test?.error && (
            <div className="nhsuk-error-summary" role="alert">
              <h2 className="nhsuk-error-summary__heading">The connection could not be tested</h2>
              <div className="nhsuk-error-summary__body">
                <p>{test.error}</p>
              </div>
            </div>
          )}
          {test?.result && <ConnectionTestSteps result={test.result} headingLevel={2} />}
        </div>
        {test && !test.running && (
          <div className="app-button-row">
            <button type="button" className="nhsuk-button" onClick={() => go('inbox')}>
              Go to the inbox
            </button>
            {!test.result?.ok && (
              <>
                <button type="button" className="nhsuk-button nhsuk-button--secondary" onClick={() => void testConnection(step.mailbox.id)}>
                  Test again
                </button>
                <button type="button" className="nhsuk-button nhsuk-button--secondary" onClick={() => go('settings')}>
                  Change the details in Settings
                </button>
              </>
            )}
          </div>
        )}
      </div>
    );
  }

  return (
    <div className="app-view app-view--form">
      <h1>Welcome to MESH Desktop</h1>
      <p className="nhsuk-body-l">
        Send files to other NHS and care organisations, and collect the files they send you, through your MESH mailbox.
      </p>
      {hasMailboxes && (
        <p>
          You already have a mailbox set up.{' '}
          <button type="button" className="app-link-button" onClick={() => go('inbox')}>
            Go to the inbox
          </button>
        </p>
      )}
      <div className="app-choices">
        <div className="nhsuk-card app-choice">
          <div className="nhsuk-card__content">
            <h2 className="nhsuk-card__heading nhsuk-heading-m">Set up your mailbox</h2>
            <p className="nhsuk-card__description">Use the mailbox ID, password and certificate your organisation was given.</p>
            <button type="button" className="nhsuk-button nhsuk-u-margin-bottom-0" onClick={() => setStep({ kind: 'form' })}>
              Set up your mailbox
            </button>
          </div>
        </div>
        {sandboxAllowed && (
          <div className="nhsuk-card app-choice">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading nhsuk-heading-m">Try it out first</h2>
              <p className="nhsuk-card__description">
                Practise with pretend mailboxes and messages. Nothing leaves this computer, and everything is clearly marked “Training”.
              </p>
              <button
                type="button"
                className="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0"
                disabled={startingSandbox}
                onClick={() => void trySandbox()}
              >
                {startingSandbox ? 'Starting the training sandbox…' : 'Try the training sandbox'}
              </button>
              {sandboxError && (
                <p className="nhsuk-error-message nhsuk-u-margin-top-3" role="alert">
                  {sandboxError}
                </p>
              )}
            </div>
          </div>
        )}
      </div>
      <p className="nhsuk-body-s">
        No mailbox yet? Your organisation applies for one through NHS England’s MESH service. Your IT service desk can help. You can also{' '}
        <button type="button" className="app-link-button" onClick={() => go('settings')}>
          create a certificate request in Settings
        </button>
        .
      </p>
    </div>
  );
}
