import type { ConnectionStep, ConnectionTestResult } from '../../../main/contract';
import { Tag } from './bits';

const STEP_WORDS: Record<ConnectionStep, string> = {
  address: 'Finding the MESH server',
  proxy: 'Going through your network’s proxy',
  tls: 'Opening a secure connection',
  'server-certificate': 'Checking it really is MESH',
  'client-certificate': 'Showing your certificate',
  password: 'Signing in to your mailbox',
  mailbox: 'Opening your mailbox',
};

const OUTCOME: Record<ConnectionTestResult['steps'][number]['outcome'], { label: string; colour: 'green' | 'red' | 'grey' }> = {
  passed: { label: 'Worked', colour: 'green' },
  failed: { label: 'Failed', colour: 'red' },
  'not-reached': { label: 'Not tried', colour: 'grey' },
};

/** Each step of a connection test and how it went, so the failing one is obvious. */
export function ConnectionTestSteps({ result, headingLevel = 3 }: { result: ConnectionTestResult; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className={`app-test app-test--${result.ok ? 'ok' : 'failed'}`}>
      <Heading className="nhsuk-heading-s">{result.ok ? 'The connection works' : 'The connection did not work'}</Heading>
      <p>{result.summary}</p>
      <ol className="app-test__steps" aria-label="Connection test steps">
        {result.steps.map((step) => (
          <li key={step.step} className="app-test__step">
            <Tag colour={OUTCOME[step.outcome].colour}>{OUTCOME[step.outcome].label}</Tag>
            <div>
              <p className="nhsuk-u-margin-bottom-0">
                <strong>{STEP_WORDS[step.step]}</strong>
              </p>
              {step.message && <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">{step.message}</p>}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
