import type { z } from 'zod';

/** A JSON-style path such as `mailboxes[1].mailboxId`, or `(top level)`. */
export function issuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, index) => {
      if (typeof part === 'number') return `[${part}]`;
      const name = String(part);
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}

/**
 * One line per problem ("mailboxes[0].mailboxId: The mailbox ID must be …"),
 * at most `limit` lines, so IT can find the bad entry in the file.
 */
export function describeIssues(error: z.ZodError, limit = 5): string {
  const lines = error.issues.slice(0, limit).map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
  const more = error.issues.length - limit;
  if (more > 0) lines.push(`…and ${more} more.`);
  return lines.join('\n');
}

/** The message of the first problem, for showing beside a single form field. */
export function firstIssueMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'Something in these settings is not valid.';
}
