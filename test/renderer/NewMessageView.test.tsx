import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { installFakeMesh, type Answers } from './fake-mesh';
import { baseAnswers, ok, resetStores, sentItem } from './fixtures';

beforeEach(resetStores);

async function openNewMessage(answers: Answers = {}) {
  const fake = installFakeMesh(baseAnswers(answers));
  const user = userEvent.setup();
  render(<App />);
  await screen.findByRole('heading', { level: 1, name: 'Inbox' });
  await user.click(screen.getByRole('button', { name: 'New message' }));
  expect(screen.getByRole('heading', { level: 1, name: 'New message' })).toBeInTheDocument();
  return { fake, user };
}

const file = (name = 'discharge.pdf', bytes = 3 * 1024 * 1024) => new File([new Uint8Array(bytes)], name, { type: 'application/pdf' });

describe('new message: checks before sending', () => {
  it('lists what is missing at the top, focuses the list, and marks each field', async () => {
    const { user, fake } = await openNewMessage();
    await user.click(screen.getByRole('button', { name: 'Send message' }));
    const summary = screen.getByRole('alert');
    expect(within(summary).getByRole('heading', { name: 'There is a problem' })).toBeInTheDocument();
    expect(summary.parentElement).toHaveFocus();
    const links = within(summary).getAllByRole('link');
    expect(links.map((link) => link.textContent)).toEqual([
      'Enter the mailbox ID of the person or organisation you are sending to',
      'Enter the workflow ID',
      'Choose the file to send',
    ]);
    expect(links.map((link) => link.getAttribute('href'))).toEqual(['#compose-recipient-0', '#compose-workflow', '#compose-file']);
    expect(screen.getByRole('textbox', { name: 'Recipient mailbox ID' })).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('textbox', { name: 'Recipient mailbox ID' })).toHaveAccessibleDescription(/Enter the mailbox ID/);
    expect(fake.calls.some((c) => c.name === 'sendMessage')).toBe(false);

    await user.click(links[1]!);
    expect(screen.getByRole('textbox', { name: /Workflow ID/ })).toHaveFocus();
  });

  it('refuses a subject over 500 characters', async () => {
    const { user } = await openNewMessage();
    const subject = screen.getByRole('textbox', { name: /Subject/ });
    fireEvent.change(subject, { target: { value: 'S'.repeat(501) } });
    await user.click(screen.getByRole('button', { name: 'Send message' }));
    expect(
      within(screen.getByRole('alert')).getByRole('link', { name: 'The subject must be 500 characters or fewer' }),
    ).toBeInTheDocument();
  });

  it('warns that the reference must hold no patient-identifiable information', async () => {
    await openNewMessage();
    expect(screen.getByRole('textbox', { name: /Your reference/ })).toHaveAccessibleDescription(
      /Do not include patient-identifiable information/,
    );
  });

  it('says large files are split and compressed automatically', async () => {
    await openNewMessage();
    expect(screen.getByText(/Large files are split into parts and compressed for you/)).toBeInTheDocument();
  });

  it('clears an error once it is fixed', async () => {
    const { user } = await openNewMessage();
    await user.click(screen.getByRole('button', { name: 'Send message' }));
    await user.type(screen.getByRole('textbox', { name: /Workflow ID/ }), 'WF1');
    expect(within(screen.getByRole('alert')).queryByText('Enter the workflow ID')).toBeNull();
  });
});

describe('new message: sending', () => {
  it('sends one request naming every recipient, then shows Sent with a success panel', async () => {
    const sent = [
      sentItem({ id: 'a', to: { mailboxId: 'AAA111' }, status: 'uploading' }),
      sentItem({ id: 'b', to: { mailboxId: 'BBB222' }, status: 'uploading' }),
    ];
    const { user, fake } = await openNewMessage({ sendMessage: () => ok(sent), listSent: () => ok(sent) });
    await user.type(screen.getByRole('textbox', { name: 'Recipient mailbox ID' }), 'AAA111');
    await user.click(screen.getByRole('button', { name: 'Add another recipient' }));
    await user.type(screen.getByRole('textbox', { name: 'Recipient 2 mailbox ID' }), 'BBB222');
    expect(screen.getByText('2 recipients: one message will be sent to each.')).toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: /Workflow ID/ }), 'TOC_FHIR_IP_DISCH');
    await user.type(screen.getByRole('textbox', { name: /Subject/ }), 'Discharge summary');
    await user.type(screen.getByRole('textbox', { name: /Your reference/ }), 'REF-42');
    await user.upload(screen.getByLabelText('Choose a file, or drag it here'), file());
    expect(await screen.findByText('discharge.pdf', { selector: 'strong' })).toBeInTheDocument();
    expect(screen.getByText('(3 MB)')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Send 2 messages' }));
    const sends = fake.calls.filter((c) => c.name === 'sendMessage');
    expect(sends).toHaveLength(1);
    expect(sends[0]!.args).toEqual([
      {
        profileId: 'riverside',
        recipients: ['AAA111', 'BBB222'],
        workflowId: 'TOC_FHIR_IP_DISCH',
        subject: 'Discharge summary',
        localId: 'REF-42',
        fileRef: 'ref-discharge.pdf',
      },
    ]);
    expect(await screen.findByRole('heading', { level: 1, name: 'Sent' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: '2 messages are being sent' })).toBeInTheDocument();
    expect(screen.getByText(/One to each of: AAA111, BBB222/)).toBeInTheDocument();
  });

  it('takes a file dropped on the drop zone', async () => {
    await openNewMessage();
    fireEvent.drop(screen.getByTestId('file-drop-zone'), { dataTransfer: { files: [file('scan.zip', 2048)] } });
    expect(await screen.findByText('scan.zip', { selector: 'strong' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Remove scan.zip' })).toBeInTheDocument();
  });

  it('shows why main refused to send, in words', async () => {
    const { user } = await openNewMessage({
      sendMessage: () => ({
        ok: false,
        error: { code: 'recipient-not-registered', message: 'MESH does not know the mailbox AAA111. Check the ID with the recipient.' },
      }),
    });
    await user.type(screen.getByRole('textbox', { name: 'Recipient mailbox ID' }), 'AAA111');
    await user.type(screen.getByRole('textbox', { name: /Workflow ID/ }), 'WF1');
    await user.upload(screen.getByLabelText('Choose a file, or drag it here'), file());
    await screen.findByText('discharge.pdf', { selector: 'strong' });
    await user.click(screen.getByRole('button', { name: 'Send message' }));
    expect(await screen.findByText('MESH does not know the mailbox AAA111. Check the ID with the recipient.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'New message' })).toBeInTheDocument();
  });
});

describe('new message: finding the recipient and workflow', () => {
  it('finds a mailbox by ODS code and workflow, shows whose it is, and uses it', async () => {
    const { user, fake } = await openNewMessage({
      lookupMailboxes: () => ok([{ mailboxId: 'RX1MB01', name: 'Valley Hospital Discharges' }]),
    });
    await user.type(screen.getByRole('textbox', { name: /Workflow ID/ }), 'TOC_FHIR_IP_DISCH');
    await user.click(screen.getByText('Find a mailbox by organisation'));
    await user.type(screen.getByRole('textbox', { name: 'ODS code' }), 'rx1');
    await user.click(screen.getByRole('button', { name: 'Find mailboxes' }));
    expect(fake.calls.find((c) => c.name === 'lookupMailboxes')?.args).toEqual(['riverside', 'RX1', 'TOC_FHIR_IP_DISCH']);
    expect(await screen.findByRole('radio', { name: 'Valley Hospital Discharges (RX1MB01)' })).toBeChecked();
    await user.click(screen.getByRole('button', { name: 'Send to this mailbox' }));
    expect(screen.getByRole('textbox', { name: 'Recipient mailbox ID' })).toHaveValue('RX1MB01');
    expect(screen.getByRole('textbox', { name: 'Recipient mailbox ID' })).toHaveAccessibleDescription(
      'Valley Hospital Discharges (RX1MB01)',
    );
  });

  it('asks for the workflow before looking up an organisation', async () => {
    const { user, fake } = await openNewMessage();
    await user.click(screen.getByText('Find a mailbox by organisation'));
    await user.type(screen.getByRole('textbox', { name: 'ODS code' }), 'RX1');
    await user.click(screen.getByRole('button', { name: 'Find mailboxes' }));
    expect(screen.getByText(/Enter the workflow ID first/)).toBeInTheDocument();
    expect(fake.calls.some((c) => c.name === 'lookupMailboxes')).toBe(false);
  });

  it('says when no mailbox was found', async () => {
    const { user } = await openNewMessage({ lookupMailboxes: () => ok([]) });
    await user.type(screen.getByRole('textbox', { name: /Workflow ID/ }), 'WF1');
    await user.click(screen.getByText('Find a mailbox by organisation'));
    await user.type(screen.getByRole('textbox', { name: 'ODS code' }), 'A81001');
    await user.click(screen.getByRole('button', { name: 'Find mailboxes' }));
    expect(await screen.findByText(/No mailbox was found for A81001 and WF1/)).toBeInTheDocument();
  });

  it('offers recent workflows and shows who can receive one', async () => {
    const { user, fake } = await openNewMessage({
      recentWorkflows: () => ok(['PATH_BS_R4', 'GPCONNECT_SEND_DOCUMENT']),
      searchWorkflow: () =>
        ok([
          { mailboxId: 'GP0001', name: 'Riverside Practice' },
          { mailboxId: 'GP0002', organisation: 'Hill Surgery' },
        ]),
    });
    const recent = await screen.findByRole('group', { name: 'Workflows you used recently' });
    await user.click(within(recent).getByRole('button', { name: 'GPCONNECT_SEND_DOCUMENT' }));
    expect(screen.getByRole('textbox', { name: /Workflow ID/ })).toHaveValue('GPCONNECT_SEND_DOCUMENT');
    await user.click(screen.getByRole('button', { name: 'Who can receive this workflow?' }));
    expect(fake.calls.find((c) => c.name === 'searchWorkflow')?.args).toEqual(['riverside', 'GPCONNECT_SEND_DOCUMENT']);
    const table = await screen.findByRole('table', { name: 'Mailboxes registered for GPCONNECT_SEND_DOCUMENT' });
    await user.click(within(table).getByRole('button', { name: 'Send to this mailbox (GP0002)' }));
    expect(screen.getByRole('textbox', { name: 'Recipient mailbox ID' })).toHaveValue('GP0002');
  });

  it('prefills from "Send again" in Sent', async () => {
    const item = sentItem({ to: { mailboxId: 'Y12XYZ9' }, workflowId: 'TOC_FHIR_IP_DISCH', subject: 'Discharge summary' });
    installFakeMesh(baseAnswers({ listSent: () => ok([item]) }));
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Sent' }));
    const grid = await screen.findByRole('grid', { name: 'Messages sent from Riverside Surgery' });
    await user.click(await within(grid).findByText('Discharge summary'));
    await user.click(screen.getByRole('button', { name: 'Send again' }));
    expect(screen.getByRole('heading', { level: 1, name: 'New message' })).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Recipient mailbox ID' })).toHaveValue('Y12XYZ9');
    expect(screen.getByRole('textbox', { name: /Workflow ID/ })).toHaveValue('TOC_FHIR_IP_DISCH');
    expect(screen.getByRole('textbox', { name: /Subject/ })).toHaveValue('Discharge summary');
  });
});
