/**
 * Reads mailbox and workflow lists in NHS mesh-sandbox's JSON Lines format
 * (store/data/mailboxes.jsonl and workflows.jsonl): one JSON object a line.
 */
import { z } from 'zod';
import { AppError } from '../shared/errors';
import type { SandboxMailbox, SandboxWorkflow } from './types';

const mailboxLine = z.object({
  mailbox_id: z.string().trim().min(1),
  mailbox_name: z.string().default(''),
  ods_code: z.string().default(''),
  org_code: z.string().default(''),
  org_name: z.string().optional(),
  billing_entity: z.string().optional(),
  password: z.string().default('password'),
  active: z.boolean().optional(),
});

const workflowLine = z.object({
  workflow_id: z.string().trim().min(1),
  senders: z.array(z.string()).default([]),
  receivers: z.array(z.string()).default([]),
});

function parseJsonl<T>(text: string, what: string, parseLine: (value: unknown) => T): T[] {
  const results: T[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw invalidLine(what, index + 1, error);
    }
    try {
      results.push(parseLine(value));
    } catch (error) {
      throw invalidLine(what, index + 1, error);
    }
  });
  return results;
}

function invalidLine(what: string, lineNumber: number, error: unknown): AppError {
  return new AppError({
    code: 'invalid-argument',
    message: `Line ${lineNumber} of the ${what} file is not valid. Check it against the example in the sandbox documentation.`,
    detail: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}

/** Mailboxes from NHS sandbox JSONL; ids are upper-cased as the sandbox does. */
export function parseMailboxesJsonl(text: string): SandboxMailbox[] {
  return parseJsonl(text, 'mailboxes', (value) => {
    const line = mailboxLine.parse(value);
    const mailbox: SandboxMailbox = {
      mailbox_id: line.mailbox_id.toUpperCase(),
      mailbox_name: line.mailbox_name,
      ods_code: line.ods_code,
      org_code: line.org_code,
      password: line.password,
    };
    if (line.org_name !== undefined) mailbox.org_name = line.org_name;
    if (line.billing_entity !== undefined) mailbox.billing_entity = line.billing_entity;
    if (line.active !== undefined) mailbox.active = line.active;
    return mailbox;
  });
}

/** Workflows from NHS sandbox JSONL; mailbox ids are upper-cased and trimmed. */
export function parseWorkflowsJsonl(text: string): SandboxWorkflow[] {
  return parseJsonl(text, 'workflows', (value) => {
    const line = workflowLine.parse(value);
    const normalise = (ids: string[]) => ids.map((id) => id.trim().toUpperCase()).filter((id) => id !== '');
    return { workflow_id: line.workflow_id, senders: normalise(line.senders), receivers: normalise(line.receivers) };
  });
}
