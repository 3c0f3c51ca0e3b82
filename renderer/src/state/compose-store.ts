import { create } from 'zustand';
import type { MessageParty, SentItem } from '../../../main/contract';
import { mesh, messageFor, unwrap } from '../mesh';
import { addRecipient, toSendRequest, validateCompose, type ComposeForm, type FieldError } from './compose-form';

export interface Prefill {
  recipients?: string[];
  workflowId?: string;
  subject?: string;
}

interface LookupState {
  busy: boolean;
  results?: MessageParty[];
  error?: string;
  /** What was searched for, to say "no mailbox found for …". */
  query?: string;
}

interface ComposeState {
  form: ComposeForm;
  /** Shown once the person has tried to send; cleared as they fix things. */
  errors: FieldError[];
  /** Set when main refused the send. */
  sendError?: string;
  sending: boolean;
  recentWorkflows: string[];
  /** Mailboxes met in look-ups, by upper-case ID, so a recipient box can show whose mailbox it is. */
  knownParties: Readonly<Record<string, MessageParty>>;
  lookup: LookupState;
  workflowSearch: LookupState;
  /** Starts a fresh message from the given mailbox, optionally filled in (for "Send again"). */
  start(profileId: string, prefill?: Prefill): void;
  /** Keeps the form but switches the mailbox it is sent from. */
  setProfile(profileId: string): void;
  setField(field: 'workflowId' | 'subject' | 'localId', value: string): void;
  setRecipient(index: number, value: string): void;
  addRecipientBox(): void;
  removeRecipient(index: number): void;
  pickRecipient(mailboxId: string): void;
  chooseFile(file: File): Promise<void>;
  clearFile(): void;
  loadRecentWorkflows(): Promise<void>;
  lookupMailboxes(odsCode: string): Promise<void>;
  searchWorkflow(): Promise<void>;
  /** Checks the form; sends when it is right. Resolves with what main created, or undefined. */
  send(): Promise<SentItem[] | undefined>;
}

function remember(known: Readonly<Record<string, MessageParty>>, parties: MessageParty[]): Record<string, MessageParty> {
  return { ...known, ...Object.fromEntries(parties.map((party) => [party.mailboxId.toUpperCase(), party])) };
}

const emptyForm = (profileId: string): ComposeForm => ({
  profileId,
  recipients: [''],
  workflowId: '',
  subject: '',
  localId: '',
  file: { status: 'none' },
});

export const useComposeStore = create<ComposeState>((set, get) => {
  // Once the person has seen errors, re-check as they type so fixed errors disappear.
  const revalidate = () => {
    if (get().errors.length > 0) set({ errors: validateCompose(get().form) });
  };
  const patchForm = (patch: Partial<ComposeForm>) => {
    set((state) => ({ form: { ...state.form, ...patch } }));
    revalidate();
  };
  return {
    form: emptyForm(''),
    errors: [],
    sending: false,
    recentWorkflows: [],
    knownParties: {},
    lookup: { busy: false },
    workflowSearch: { busy: false },
    start: (profileId, prefill) => {
      const form = emptyForm(profileId);
      if (prefill?.recipients?.length) form.recipients = [...prefill.recipients];
      if (prefill?.workflowId) form.workflowId = prefill.workflowId;
      if (prefill?.subject) form.subject = prefill.subject;
      set({ form, errors: [], sendError: undefined, lookup: { busy: false }, workflowSearch: { busy: false } });
    },
    setProfile: (profileId) => {
      set((state) => ({
        form: { ...state.form, profileId },
        lookup: { busy: false },
        workflowSearch: { busy: false },
        recentWorkflows: [],
      }));
      void get().loadRecentWorkflows();
    },
    setField: (field, value) => patchForm({ [field]: value }),
    setRecipient: (index, value) => {
      const recipients = [...get().form.recipients];
      recipients[index] = value;
      patchForm({ recipients });
    },
    addRecipientBox: () => patchForm({ recipients: [...get().form.recipients, ''] }),
    removeRecipient: (index) => {
      const recipients = get().form.recipients.filter((_, i) => i !== index);
      patchForm({ recipients: recipients.length ? recipients : [''] });
    },
    pickRecipient: (mailboxId) => patchForm({ recipients: addRecipient(get().form.recipients, mailboxId) }),
    chooseFile: async (file) => {
      patchForm({ file: { status: 'adding', name: file.name } });
      const reply = await mesh().registerFile(file);
      // The person may have chosen another file meanwhile: only the latest counts.
      const current = get().form.file;
      if (current.status !== 'adding' || current.name !== file.name) return;
      patchForm({
        file: reply.ok ? { status: 'ready', file: reply.value } : { status: 'failed', name: file.name, message: reply.error.message },
      });
    },
    clearFile: () => patchForm({ file: { status: 'none' } }),
    loadRecentWorkflows: async () => {
      const { profileId } = get().form;
      if (!profileId) return;
      const reply = await mesh().recentWorkflows(profileId);
      if (reply.ok && get().form.profileId === profileId) set({ recentWorkflows: reply.value });
    },
    lookupMailboxes: async (odsCode) => {
      const { profileId, workflowId } = get().form;
      const ods = odsCode.trim().toUpperCase();
      if (!ods) {
        set({ lookup: { busy: false, error: 'Enter the organisation’s ODS code, such as X26 or A81001' } });
        return;
      }
      if (!workflowId.trim()) {
        set({ lookup: { busy: false, error: 'Enter the workflow ID first: organisations have a mailbox for each kind of message' } });
        return;
      }
      set({ lookup: { busy: true } });
      try {
        const results = await mesh().lookupMailboxes(profileId, ods, workflowId.trim()).then(unwrap);
        set((state) => ({
          lookup: { busy: false, results, query: `${ods} and ${workflowId.trim()}` },
          knownParties: remember(state.knownParties, results),
        }));
      } catch (error) {
        set({ lookup: { busy: false, error: messageFor(error) } });
      }
    },
    searchWorkflow: async () => {
      const { profileId, workflowId } = get().form;
      if (!workflowId.trim()) {
        set({ workflowSearch: { busy: false, error: 'Enter a workflow ID to see who can receive it' } });
        return;
      }
      set({ workflowSearch: { busy: true } });
      try {
        const results = await mesh().searchWorkflow(profileId, workflowId.trim()).then(unwrap);
        set((state) => ({
          workflowSearch: { busy: false, results, query: workflowId.trim() },
          knownParties: remember(state.knownParties, results),
        }));
      } catch (error) {
        set({ workflowSearch: { busy: false, error: messageFor(error) } });
      }
    },
    send: async () => {
      const { form, sending } = get();
      if (sending) return undefined;
      const errors = validateCompose(form);
      set({ errors, sendError: undefined });
      if (errors.length > 0) return undefined;
      set({ sending: true });
      try {
        const sent = await mesh().sendMessage(toSendRequest(form)).then(unwrap);
        set({ sending: false, form: emptyForm(form.profileId), errors: [] });
        return sent;
      } catch (error) {
        set({ sending: false, sendError: messageFor(error) });
        return undefined;
      }
    },
  };
});
